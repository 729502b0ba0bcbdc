from . import credit_report_wizard
from . import credit_report_wizard_finance
