from . import res_company
from . import credit_release
from . import credit_decision
from . import stock_picking
