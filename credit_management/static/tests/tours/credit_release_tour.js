import { registry } from "@web/core/registry";

// A finance analyst opens the orders on credit hold, reads why the order is held, releases it
// with a reason, and sees it confirmed.
registry.category("web_tour.tours").add("credit_management_release_tour", {
    url: "/odoo/action-credit_management.sale_order_credit_hold_action",
    steps: () => [
        {
            content: "Open the held order of the tour customer",
            trigger: ".o_data_row:contains('Tour Customer') .o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "The banner explains the hold",
            trigger: ".o_form_view div[name='credit_hold_banner']:contains('Over credit limit')",
        },
        {
            content: "Release the hold",
            trigger: ".o_statusbar_buttons button[name='action_credit_release']",
            run: "click",
        },
        {
            content: "The wizard shows the credit check of today",
            trigger: ".modal .o_field_widget[name='decision_message']:contains('Over credit limit')",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Bank guarantee received",
        },
        {
            content: "Confirm the release",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
