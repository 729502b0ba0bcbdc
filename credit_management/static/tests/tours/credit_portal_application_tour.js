import { registry } from "@web/core/registry";

// A customer's buyer applies for credit on the portal: the form, its documents, and the
// application listed as received.
const PDF_TEXT = "%PDF-1.4 tour statements";

registry.category("web_tour.tours").add("credit_management_portal_application_tour", {
    url: "/my/credit",
    steps: () => [
        {
            content: "Open the application form",
            trigger: "a[href='/my/credit/apply']:contains('Apply for Credit')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The credit limit asked for",
            trigger: "form.o_credit_application input[name='requested_limit']",
            run: "edit 30000",
        },
        {
            content: "Years in business",
            trigger: "form.o_credit_application input[name='years_in_business']",
            run: "edit 12",
        },
        {
            content: "The banks",
            trigger: "form.o_credit_application input[name='banks']",
            run: "edit Bank of Taiwan",
        },
        {
            content: "Attach each document the application asks for",
            trigger: "form.o_credit_application input[type='file']",
            run() {
                for (const input of document.querySelectorAll(
                    "form.o_credit_application input[type='file']"
                )) {
                    const file = new File([PDF_TEXT], `${input.name}.pdf`, {
                        type: "application/pdf",
                    });
                    const transfer = new DataTransfer();
                    transfer.items.add(file);
                    input.files = transfer.files;
                    input.dispatchEvent(new Event("change", { bubbles: true }));
                }
            },
        },
        {
            content: "Send the application",
            trigger: "form.o_credit_application button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The application is received",
            trigger: "div.alert-success:contains('your application was received')",
        },
        {
            content: "It is listed as received, without any score",
            trigger: ".o_portal_my_doc_table tbody tr:first td:contains('Received')",
        },
    ],
});
