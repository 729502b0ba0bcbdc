from . import credit_release_wizard
