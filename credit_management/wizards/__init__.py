from . import credit_hold_wizard
from . import credit_release_wizard
from . import credit_reason_wizard
from . import credit_what_if
