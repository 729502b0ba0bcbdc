from odoo.tools import SQL


def pre_init_hook(env):
    """Store ``sale.order.line.qty_invoiced_posted`` (a computed field of ``sale`` that the
    exposure aggregates) in SQL before the ORM creates the column: installing on a database
    with a million order lines then does not compute it line by line in Python."""
    cr = env.cr
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = 'sale_order_line' AND column_name = 'qty_invoiced_posted'"
    )
    if cr.rowcount:
        return
    # a constant default fills every existing row at once (no table rewrite)
    cr.execute("ALTER TABLE sale_order_line ADD COLUMN qty_invoiced_posted numeric DEFAULT 0")
    cr.execute("ALTER TABLE sale_order_line ALTER COLUMN qty_invoiced_posted DROP DEFAULT")
    fill_qty_invoiced_posted(env)


def fill_qty_invoiced_posted(env, line_ids=None):
    """Write in one statement what ``sale.order.line._compute_qty_invoiced_posted`` computes:
    the quantity of posted invoice lines (legacy invoices too), converted to the order line's
    unit, counted positive on invoices and negative on credit notes."""
    line_filter = SQL("TRUE") if line_ids is None else SQL("rel.order_line_id = ANY(%s)", line_ids)
    env.cr.execute(
        SQL(
            """
            UPDATE sale_order_line sol
               SET qty_invoiced_posted = x.qty
              FROM (
                    SELECT rel.order_line_id,
                           SUM(
                               -- uom.uom._compute_quantity: the same unit as is, else
                               -- converted and rounded up to the line unit's rounding
                               CASE WHEN from_uom.id IS NULL OR from_uom.id = to_uom.id
                                    THEN aml.quantity
                                    ELSE CEIL(aml.quantity / from_uom.factor * to_uom.factor
                                              / to_uom.rounding) * to_uom.rounding END
                               * CASE WHEN am.move_type IN ('out_invoice', 'in_refund',
                                                            'out_receipt')
                                      THEN 1 ELSE -1 END
                           ) AS qty
                      FROM sale_order_line_invoice_rel rel
                      JOIN sale_order_line line ON line.id = rel.order_line_id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                      JOIN account_move am ON am.id = aml.move_id
                 LEFT JOIN uom_uom from_uom ON from_uom.id = aml.product_uom_id
                      JOIN uom_uom to_uom ON to_uom.id = line.product_uom
                     WHERE (am.state = 'posted' OR am.payment_state = 'invoicing_legacy')
                       AND %(line_filter)s
                  GROUP BY rel.order_line_id
                   ) x
             WHERE sol.id = x.order_line_id
            """,
            line_filter=line_filter,
        )
    )
