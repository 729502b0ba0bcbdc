from . import credit_assessment_report
from . import credit_assessment
from . import credit_file
from . import credit_report_values
from . import credit_dashboard
from . import res_company
from . import credit_monitoring_report_pack
