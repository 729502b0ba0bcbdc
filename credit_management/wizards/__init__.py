from . import credit_hold_wizard
