from . import test_exposure
from . import test_partner_filters
from . import test_credit_profile
from . import test_settings
from . import test_order_credit_control
from . import test_invoice_credit_control
from . import test_decision_queries
from . import test_credit_concurrency
