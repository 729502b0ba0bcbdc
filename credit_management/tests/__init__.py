from . import test_exposure
from . import test_partner_filters
from . import test_credit_profile
from . import test_settings
