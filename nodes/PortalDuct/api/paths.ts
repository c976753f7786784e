/**
 * Every PortalDuct path and field name we SEND lives here (what we read: answers.ts, pages.ts, deliveries.ts).
 *
 * PortalDuct's API reference is not public. Names marked [doc] are stated in its guides; names
 * marked [assumed] are our best reading. Here we are exact: one name each, as docs/openapi.yaml states it.
 */
export const CREDENTIAL_TYPE = 'portalDuctApi';

export const paths = {
	login: '/v1/login', // [doc]
	renewal: '/v1/refreshToken', // [assumed] "Refresh Token"
	addNewCustomer: '/v1/addNewCustomer', // [doc]
	addNewCustomerClient: '/v1/addNewCustomerClient', // [doc]
	portalLoginChanges: '/v1/clientsPortalLoginChanges', // [doc] POST; GET and DELETE [assumed]
	clientInvoices: (connectionUuid: string) =>
		`/v1/getClientInvoices/${encodeURIComponent(connectionUuid)}`, // [doc]
	clientBalance: (clientUuid: string) => `/v1/getClientBalance/${encodeURIComponent(clientUuid)}`, // [doc]
} as const;

/** [assumed] paging parameters of Get client invoices. */
export const invoicePaging = { page: 'page', pageSize: 'pageSize', maxPageSize: 100 } as const;

/** Field names of create bodies: the ids [doc], the rest [assumed]. */
export const customerFields = { id: 'customerUUID' };
export const clientFields = { id: 'clientUUID', customerId: 'customerUUID' };
export const recordFields = { name: 'name', email: 'email', metadata: 'metadata' };
