/**
 * Changing an invoice PortalDuct already collected, as a portal would report it later (a payment,
 * a corrected amount, a new due date): what a sync of "new or changed" invoices must pass on again.
 */
import { badRequest, notFound } from './errors';
import { INVOICE_STATUSES } from './invoices';
import type { ChangeInvoiceInput, Invoice, InvoiceStatus, SandboxState } from './types';

const CHANGEABLE = ['amount', 'currency', 'status', 'dueDate', 'paidDate'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The invoice with this invoiceId (or invoiceNumber) and the connection it belongs to. */
function findInvoice(state: SandboxState, idOrNumber: string): Invoice | undefined {
	const wanted = idOrNumber.toLowerCase();
	for (const list of state.invoices.values()) {
		const found = list.find((i) => i.invoiceId === wanted || i.invoiceNumber.toLowerCase() === wanted);
		if (found) return found;
	}
	return undefined;
}

/** The change checked field by field; a bad value is a 400 that names the field. */
function checkedChange(input: ChangeInvoiceInput): ChangeInvoiceInput {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('Body must be a JSON object');
	const unknown = Object.keys(input).filter((k) => !(CHANGEABLE as readonly string[]).includes(k));
	if (unknown.length > 0) throw badRequest(`Only ${CHANGEABLE.join(', ')} can change; not ${unknown.join(', ')}`);
	if (Object.keys(input).length === 0) throw badRequest(`Name at least one of ${CHANGEABLE.join(', ')}`);
	const { amount, currency, status, dueDate, paidDate } = input;
	if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) {
		throw badRequest("'amount' must be a number of 0 or more");
	}
	if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) {
		throw badRequest("'currency' must be an ISO 4217 code such as 'USD'");
	}
	if (status !== undefined && !INVOICE_STATUSES.includes(status as InvoiceStatus)) {
		throw badRequest(`'status' must be one of ${INVOICE_STATUSES.join(', ')}`);
	}
	for (const [field, value] of [['dueDate', dueDate], ['paidDate', paidDate]] as const) {
		if (value !== undefined && (typeof value !== 'string' || !DATE.test(value))) throw badRequest(`'${field}' must be a date YYYY-MM-DD`);
	}
	return input;
}

/**
 * Changes one invoice in place and returns it. A status that becomes paid gets a paidDate (today
 * unless given); one that stops being paid loses it, as the portal would no longer report one.
 */
export function changeInvoice(state: SandboxState, idOrNumber: string, input: ChangeInvoiceInput): Invoice {
	const change = checkedChange(input);
	const invoice = findInvoice(state, idOrNumber);
	if (!invoice) throw notFound(`Invoice ${idOrNumber} not found`);
	const { paidDate, ...rest } = change;
	Object.assign(invoice, rest);
	if (invoice.status === 'paid') invoice.paidDate = paidDate ?? invoice.paidDate ?? new Date().toISOString().slice(0, 10);
	else delete invoice.paidDate;
	return { ...invoice };
}
