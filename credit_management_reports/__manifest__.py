{
    "name": "Credit Management Reports",
    "summary": "XLSX and PDF reports on customer credit",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Credit Management for Odoo",
    "website": "https://github.com/credit-management-odoo/credit-management",
    "depends": ["credit_management"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "views/credit_report_wizard_views.xml",
    ],
    "installable": True,
}
