{
    "name": "Credit Management Reports",
    "summary": "XLSX and PDF reports on customer credit",
    "version": "18.0.1.3.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Credit Management for Odoo",
    "website": "https://github.com/credit-management-odoo/credit-management",
    "depends": ["credit_management"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/credit_reports_security.xml",
        "data/ir_cron_data.xml",
        "report/credit_report_templates.xml",
        "report/credit_reports.xml",
        "views/credit_assessment_report_views.xml",
        "views/credit_report_wizard_views.xml",
        "views/credit_dashboard_views.xml",
        "views/res_company_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "credit_management_reports/static/src/scss/credit_dashboard.scss",
        ],
    },
    "installable": True,
}
