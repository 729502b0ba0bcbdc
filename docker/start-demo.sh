#!/bin/sh
# The demo service's command: installs the add-ons with demo data on the first start, and on
# every later start updates them (installing only an add-on the database does not have yet:
# -i on an installed add-on would reload its data as on a first install).
set -eu
ADDONS="credit_management credit_management_reports credit_management_stock"
DB=credit_demo
DB_ARGS="--db_host=$HOST --db_user=$USER --db_password=$PASSWORD"
installed=$(PGPASSWORD="$PASSWORD" psql -h "$HOST" -U "$USER" -d "$DB" -tAc \
    "SELECT name FROM ir_module_module WHERE state = 'installed'" 2>/dev/null || true)
install="" update=""
for addon in $ADDONS; do
    if printf '%s\n' "$installed" | grep -qx "$addon"; then
        update="${update:+$update,}$addon"
    else
        install="${install:+$install,}$addon"
    fi
done
# English, Traditional and Simplified Chinese (loading them again on a restart is harmless)
# shellcheck disable=SC2086
exec odoo $DB_ARGS -d "$DB" --db-filter="^$DB\$" \
    ${install:+-i "$install"} ${update:+-u "$update"} --load-language=en_US,zh_TW,zh_CN "$@"
