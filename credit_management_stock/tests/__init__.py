from . import test_delivery_block
from . import test_translations
