{
    "name": "Credit Management",
    "summary": "Customer credit profiles, exposure and credit control for sales",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Credit Management for Odoo",
    "website": "https://github.com/credit-management-odoo/credit-management",
    "depends": ["sale_management", "account", "crm", "mail"],
    "data": [
        "security/credit_management_groups.xml",
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/credit_hold_wizard_views.xml",
        "views/credit_management_menus.xml",
    ],
    "demo": [
        "demo/credit_management_demo.xml",
    ],
    "installable": True,
    "application": False,
}
