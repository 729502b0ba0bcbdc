{
    "name": "Credit Management: Delivery Block",
    "summary": "Hold the deliveries of customers who are blocked, on hold or over their limit",
    "version": "18.0.1.1.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Credit Management for Odoo",
    "website": "https://github.com/credit-management-odoo/credit-management",
    "depends": ["sale_stock", "credit_management"],
    "data": [
        "security/ir.model.access.csv",
        "views/stock_picking_views.xml",
        "views/res_company_views.xml",
        "views/credit_release_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
