import { registry } from "@web/core/registry";

// The policy's procedure in the browser, as each role does it. Every tour is registered in
// English, and again for a user whose language is zh_TW or zh_CN (name suffixed "_zh_TW",
// "_zh_CN"). Elements are found by their technical names; the labels below are what the user
// must read, so the zh_TW run fails when a screen is left in English.
const LABELS = {
    en_US: {
        submit: "Submit to Finance",
        startReview: "Start Review",
        approve: "Approve",
        scores: "Scoring",
        creditHold: "Credit hold",
        overLimit: "Over credit limit",
        heldOrders: "Orders on Credit Hold",
        creditFiles: "Credit Files",
        transactions: "Transactions",
    },
    zh_TW: {
        submit: "提交財務部門",
        startReview: "開始審核",
        approve: "核准",
        scores: "評分",
        creditHold: "信用暫停",
        overLimit: "超出信用額度",
        heldOrders: "信用暫停的訂單",
        creditFiles: "信用檔案",
        transactions: "交易記錄",
    },
    zh_CN: {
        submit: "提交财务部门",
        startReview: "开始审核",
        approve: "核准",
        scores: "评分",
        creditHold: "信用暂停",
        overLimit: "超出信用额度",
        heldOrders: "信用暂停的订单",
        creditFiles: "信用档案",
        transactions: "交易记录",
    },
};

function register(name, steps) {
    for (const [lang, labels] of Object.entries(LABELS)) {
        const tourName = lang === "en_US" ? name : `${name}_${lang}`;
        registry.category("web_tour.tours").add(tourName, { steps: () => steps(labels) });
    }
}

const currentState = (state) => ({
    content: `The record is now in state ${state}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current[data-value='${state}']`,
});

// P4.1.2: the salesperson requests an assessment from the opportunity and submits it.
register("credit_sales_assessment_tour", (t) => [
    {
        content: "Request a credit assessment from the opportunity",
        trigger: ".o_form_view button[name='action_request_credit_assessment']",
        run: "click",
    },
    {
        content: "The new assessment asks for the limit the customer wants",
        trigger: ".o_form_view .o_field_widget[name='requested_limit'] input",
        run: "edit 20000",
    },
    {
        content: "Tell finance about the customer",
        trigger: ".o_form_view .o_field_widget[name='sales_comment'] textarea",
        run: "edit Orders every month; two suppliers give references.",
    },
    {
        content: "Submit the form to finance",
        trigger: `.o_statusbar_buttons button.btn-primary:contains('${t.submit}')`,
        run: "click",
    },
    currentState("submitted"),
]);

// P4.1.3: the analyst reviews, scores each criterion, chooses the limit and approves.
register("credit_analyst_scoring_tour", (t) => [
    {
        content: "Take the assessment into review",
        trigger: `.o_statusbar_buttons button.btn-primary:contains('${t.startReview}')`,
        run: "click",
    },
    currentState("review"),
    {
        content: "The scores are on their own tab",
        trigger: `.o_notebook .nav-link[name='scoring']:contains('${t.scores}')`,
        run: "click",
    },
    ...[1, 2, 3, 4].flatMap((row) => [
        {
            content: `Open the level of criterion ${row}`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row:nth-child(${row}) td[name='level_id']`,
            run: "click",
        },
        {
            content: `Open the levels of criterion ${row}`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row:nth-child(${row}) .o_field_widget[name='level_id'] input`,
            run: "click",
        },
        {
            content: `Choose the first level of criterion ${row}`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row:nth-child(${row}) .o-autocomplete--dropdown-item:first-child a`,
            run: "click",
        },
        {
            content: `The level of criterion ${row} is taken`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row:nth-child(${row}) .o-autocomplete:not(:has(.o-autocomplete--dropdown-menu))`,
        },
    ]),
    {
        content: "The decision is on its own tab",
        trigger: ".o_notebook .nav-link[name='decision']",
        run: "click",
    },
    {
        content: "Finance chooses a limit below the proposal",
        trigger: ".o_form_view .o_field_widget[name='approved_limit'] input",
        run: "edit 18000",
    },
    {
        content: "Leave the field: the form sees the change",
        trigger: ".o_form_view .o_field_widget[name='approved_rating_id']",
        run: "click",
    },
    {
        content: "A limit other than the proposal needs finance's reason",
        trigger: ".o_form_view .o_field_widget[name='decision_reason'] textarea",
        run: "edit Only one year of statements: start lower.",
    },
    {
        content: "Approve",
        trigger: `.o_statusbar_buttons button.btn-primary:contains('${t.approve}')`,
        run: "click",
    },
    currentState("approved"),
]);

// The salesperson confirms an order over the customer's limit: it is held for finance.
register("credit_sales_held_order_tour", (t) => [
    {
        content: "Confirm the quotation",
        trigger: ".o_statusbar_buttons button[name='action_confirm']",
        run: "click",
    },
    {
        content: "A notification says the order waits for finance",
        trigger: `.o_notification:contains('${t.creditHold}')`,
    },
    {
        content: "The banner of the order explains the hold",
        trigger: ".o_form_view div[name='credit_hold_banner']",
    },
    currentState("draft"),
]);

// Finance releases the held order of the customer named "Tour Customer" with a reason.
register("credit_analyst_release_tour", (t) => [
    {
        content: "The orders on credit hold",
        trigger: `.o_breadcrumb:contains('${t.heldOrders}')`,
    },
    {
        content: "Open the held order of the tour customer",
        trigger: ".o_data_row:contains('Tour Customer') .o_data_cell[name='name']",
        run: "click",
    },
    {
        content: "The banner explains the hold in the user's language",
        trigger: `.o_form_view div[name='credit_hold_banner']:contains('${t.overLimit}')`,
    },
    {
        content: "Release the hold",
        trigger: ".o_statusbar_buttons button[name='action_credit_release']",
        run: "click",
    },
    {
        content: "The wizard shows the credit check of today",
        trigger: `.modal .o_field_widget[name='decision_message']:contains('${t.overLimit}')`,
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
    currentState("sale"),
]);

// P3.2.3, P5.1.3: the auditor reads a credit file and can change nothing.
register("credit_auditor_file_tour", (t) => [
    {
        content: "The list of credit files, in the user's language, with no New button",
        trigger: `.o_control_panel:has(.o_breadcrumb:contains('${t.creditFiles}')):not(:has(.o_list_button_add))`,
    },
    {
        content: "Open the customer's file",
        trigger: ".o_data_row:contains('Audited Customer') .o_data_cell",
        run: "click",
    },
    {
        content: "The file reads in the user's language",
        trigger: `.o_form_view .o_notebook .nav-link:contains('${t.transactions}')`,
    },
    {
        content: "The file opens read-only: no field to edit, no New button",
        trigger:
            ".o_form_view .o_form_readonly .o_form_sheet:not(:has(input:not([disabled]):not([readonly]))):not(:has(textarea:not([readonly]))):not(:has([contenteditable='true']))",
    },
    {
        content: "No button to create or save anything",
        trigger:
            ".o_form_view .o_control_panel:not(:has(.o_form_button_create)):not(:has(.o_form_button_save))",
    },
]);
