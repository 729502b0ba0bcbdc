from . import credit_report_wizard
