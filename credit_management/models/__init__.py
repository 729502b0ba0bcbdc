# mixins and services first: the models below inherit or call them
from . import credit_guarded
from . import credit_access_logged
from . import credit_exposure
from . import credit_decision
from . import credit_controlled_document
from . import credit_check_summary

# credit file and its history
from . import credit_history
from . import credit_access_log
from . import credit_file
from . import credit_file_month
from . import credit_release
from . import credit_customer_record
from . import credit_limit_increase
from . import credit_insurance
from . import credit_payment_promise

# assessment
from . import credit_scorecard
from . import credit_scorecard_criterion
from . import credit_scorecard_level
from . import credit_rating
from . import credit_document_type
from . import credit_assessment
from . import credit_assessment_part
from . import credit_assessment_document
from . import credit_assessment_line
from . import credit_application_invite

# events and monitoring
from . import credit_event
from . import credit_exposure_snapshot
from . import credit_monitoring
from . import credit_monitoring_overdue
from . import credit_monitoring_review
from . import credit_monitoring_early_warning
from . import credit_monitoring_snapshot

# Odoo models extended
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order_line
from . import sale_order
from . import account_move
from . import ir_binary
from . import crm_lead
from . import credit_customer_monitor
from . import credit_monitoring_digest
from . import credit_monitoring_files

# governance: compliance checks, policy versions, credit meetings, internal audit
from . import credit_compliance
from . import credit_policy
from . import credit_meeting
from . import credit_audit
from . import credit_improvement
