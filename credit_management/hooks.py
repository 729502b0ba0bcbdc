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
    """Write what ``sale.order.line._compute_qty_invoiced_posted`` computes: the quantity of
    posted invoice lines (legacy invoices too), counted positive on invoices and negative on
    credit notes. In one statement for the order lines whose invoice lines are all in the
    line's own unit (or have none) with whole multiples of its rounding, where Odoo's unit
    conversion changes nothing; with Odoo's own compute for the few others (another unit,
    fractions of the rounding), so that every stored value is the ORM's."""
    line_filter = SQL("TRUE") if line_ids is None else SQL("rel.order_line_id = ANY(%s)", line_ids)
    env.cr.execute(
        SQL(
            """
            WITH invoiced AS (
                SELECT rel.order_line_id,
                       SUM(aml.quantity
                           * CASE WHEN am.move_type IN ('out_invoice', 'in_refund', 'out_receipt')
                                  THEN 1 ELSE -1 END) AS qty,
                       BOOL_AND(aml.product_uom_id IS NULL
                                OR (aml.product_uom_id = line.product_uom
                                    AND aml.quantity = ROUND(aml.quantity / line_uom.rounding)
                                                       * line_uom.rounding)) AS as_is
                  FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line line ON line.id = rel.order_line_id
                  JOIN uom_uom line_uom ON line_uom.id = line.product_uom
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE (am.state = 'posted' OR am.payment_state = 'invoicing_legacy')
                   AND %(line_filter)s
              GROUP BY rel.order_line_id
            ),
            updated AS (
                UPDATE sale_order_line sol
                   SET qty_invoiced_posted = invoiced.qty
                  FROM invoiced
                 WHERE sol.id = invoiced.order_line_id AND invoiced.as_is
            )
            SELECT order_line_id FROM invoiced WHERE NOT as_is
            """,
            line_filter=line_filter,
        )
    )
    converted = [row[0] for row in env.cr.fetchall()]
    if not converted:
        return
    lines = env["sale.order.line"].browse(converted)
    field = lines._fields["qty_invoiced_posted"]
    with env.protecting([field], lines):
        lines._compute_qty_invoiced_posted()
        values = [(line.id, line.qty_invoiced_posted) for line in lines]
    env.cr.execute(
        SQL(
            """
            UPDATE sale_order_line sol SET qty_invoiced_posted = v.qty
              FROM (VALUES %s) AS v(id, qty) WHERE sol.id = v.id
            """,
            SQL(", ").join(SQL("(%s, %s::numeric)", line_id, qty) for line_id, qty in values),
        )
    )
