from . import test_install
from . import test_aging_report
from . import test_exposure_register
from . import test_watch_list
from . import test_finance_reports
from . import test_pdf_reports
from . import test_dashboard
