/**
 * Public types of the local PortalDuct sandbox. Field names of the /v1 shapes follow PortalDuct's API
 * as this project builds against it; the rest (settings, control, stats) is the sandbox's own.
 */

export type TokenResponseStyle = 'token' | 'accessToken' | 'access_token' | 'data';
export type InvoicesResponseStyle = 'paged' | 'array';
/** How field names are written in deliveries and answers: the contract's, or snake_case. */
export type FieldStyle = 'camelCase' | 'snake_case';
/** A delivery as the contract has it, or under one wrapper object. */
export type DeliveryWrapper = 'none' | 'data' | 'payload';
/** The delivery's id field: `eventId` (contract), `id`, or none at all. */
export type DeliveryEventId = 'eventId' | 'id' | 'none';
/** GET and DELETE of the registration: served (0), or answered with this status (POST only). */
export type RegistrationGetDelete = 0 | 404 | 405 | 501;
/**
 * Error bodies: the contract's `{error, message}`; `{errors: [{message}]}`; RFC 7807
 * `{type, title, status, detail}` (application/problem+json); `{success: false, message}`; plain
 * text; a gateway's HTML page.
 */
export type ErrorShape = 'contract' | 'errors-array' | 'problem' | 'success-false' | 'text' | 'html';
/**
 * How paged invoices say there is more: only page numbers (contract); a continuation the client
 * must follow, `page` then ignored: `next` (a relative link), `links.next` (an absolute link),
 * `cursor` (`nextCursor` in the answer, `cursor` in the query); or beside page numbers, with
 * neither page size nor total: `nextPage` (the next page's number, null on the last), `hasMore`.
 */
export type InvoicesContinuation = 'none' | 'next' | 'nextPage' | 'links.next' | 'cursor' | 'hasMore';
/** Access tokens: random strings, or JWTs (HS256, `exp` = their expiry). */
export type TokenFormat = 'opaque' | 'jwt';
/** Status words the sandbox sends in deliveries instead of the contract's (unset: the contract's). */
export interface DeliveryStatusWords {
	pending?: string;
	success?: string;
	failure?: string;
}

/** Everything that can be changed while the sandbox runs (PATCH /_sandbox/settings). */
export interface SandboxSettings {
	tokenLifetimeSeconds: number;
	latencyMs: number;
	connectionDecisionDelayMs: number;
	deliveryTimeoutMs: number;
	deliveryRetryDelaysMs: number[];
	allowAnyWebhookHost: boolean;
	invoicesOnSuccess: number;
	tokenResponseStyle: TokenResponseStyle;
	invoicesResponseStyle: InvoicesResponseStyle;
	/** Every POST /v1/refreshToken answers 401 (forces the client back to login). */
	refreshRefused: boolean;
	/** Paged invoices ignore `page`: every request gets page 1 (page: 1, pageSize, no total). */
	invoicesIgnorePage: boolean;
	/** Paged invoices: the most served per page (1 to 100); a larger pageSize up to 100 is capped to it. */
	invoicesMaxPageSize: number;
	/** Paged invoices carry `pageSize` (the size actually used). */
	invoicesReportPageSize: boolean;
	/** Paged invoices carry `total`. */
	invoicesReportTotal: boolean;
	/** False: POST /v1/refreshToken does not exist (404, the unknown-route answer). */
	refreshEndpoint: boolean;
	/** Most /v1 requests admitted in any 1 s window; 0 = no limit. Above it: 429 with Retry-After. */
	rateLimitPerSecond: number;
	/** Most /v1 requests in flight at once; 0 = no limit. Above it: 429 with Retry-After 1. */
	maxInFlight: number;
	/** A successful login or refresh ends every access token issued before it. */
	singleSession: boolean;
	// Dialects: where a real PortalDuct may differ from docs/openapi.yaml (defaults: the contract). See dialects.ts.
	/** Words sent as a delivery's `status` in place of pending / success / failure. */
	deliveryStatusWords: DeliveryStatusWords;
	/** Field names of deliveries, registration answers, invoice pages and balances. */
	fieldStyle: FieldStyle;
	/** A delivery's fields at the top level, or under `data` / `payload`. */
	deliveryWrapper: DeliveryWrapper;
	/** Which field carries a delivery's id, if any. */
	deliveryEventId: DeliveryEventId;
	/** 0: GET and DELETE /v1/clientsPortalLoginChanges are served; else they answer this status. */
	registrationGetDelete: RegistrationGetDelete;
	/** The shape of every error answer. */
	errorShape: ErrorShape;
	/** Error answers (a refused login too) go out with HTTP 200, their body as `errorShape` says. */
	errorsInHttp200: boolean;
	/** How paged invoices point at the next page. */
	invoicesContinuation: InvoicesContinuation;
	/** Access tokens as random strings or JWTs. */
	tokenFormat: TokenFormat;
	/** Login and refresh answers state `expiresIn`; false: no lifetime in the answer. */
	tokenLifetimeInAnswer: boolean;
}

export interface SandboxOptions {
	/** Default 0 = a free port. */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Seeded account login, default 'demo@portalduct.test'. */
	email?: string;
	/** Default 'sandbox-password'. */
	password?: string;
	/** Default 900 (15 min); fractional allowed (0.5). */
	tokenLifetimeSeconds?: number;
	/** Added to every /v1 request, default 0. */
	latencyMs?: number;
	/** pending -> success/failure delay, default 300. */
	connectionDecisionDelayMs?: number;
	/** The webhook receiver must answer within this, default 5000. */
	deliveryTimeoutMs?: number;
	/** Back-off before retry n, default [250, 1000, 3000, 10000]. */
	deliveryRetryDelaysMs?: number[];
	/** Default false: only loopback webhook URLs. */
	allowAnyWebhookHost?: boolean;
	/** Invoices seeded for a connection when it first turns success, default 5. */
	invoicesOnSuccess?: number;
	/** Login/refresh response shape variant, default 'token'. */
	tokenResponseStyle?: TokenResponseStyle;
	/** Default 'paged'. */
	invoicesResponseStyle?: InvoicesResponseStyle;
	/** Default false. */
	refreshRefused?: boolean;
	/** Default false. */
	invoicesIgnorePage?: boolean;
	/** Default 100 (the contract's maximum). */
	invoicesMaxPageSize?: number;
	/** Default true. */
	invoicesReportPageSize?: boolean;
	/** Default true. */
	invoicesReportTotal?: boolean;
	/** Default true. */
	refreshEndpoint?: boolean;
	/** Requests per second, default 0 (off). */
	rateLimitPerSecond?: number;
	/** Dialects (dialects.ts): default the contract's. */
	deliveryStatusWords?: DeliveryStatusWords;
	fieldStyle?: FieldStyle;
	deliveryWrapper?: DeliveryWrapper;
	deliveryEventId?: DeliveryEventId;
	registrationGetDelete?: RegistrationGetDelete;
	errorShape?: ErrorShape;
	errorsInHttp200?: boolean;
	invoicesContinuation?: InvoicesContinuation;
	tokenFormat?: TokenFormat;
	tokenLifetimeInAnswer?: boolean;
	/** Default 0 (off). */
	maxInFlight?: number;
	/** Default false. */
	singleSession?: boolean;
}

export interface Customer {
	customerUUID: string;
	name: string;
	email?: string;
	metadata?: Record<string, unknown>;
	createdAt: string;
}

export interface Client {
	clientUUID: string;
	customerUUID: string;
	name: string;
	email?: string;
	metadata?: Record<string, unknown>;
	createdAt: string;
}

export type ConnectionStatus = 'pending' | 'success' | 'failure';

export interface Connection {
	connection_uuid: string;
	clientUUID: string;
	customerUUID: string;
	portalName: string;
	status: ConnectionStatus;
	/** The portal username last submitted (the password is never stored). */
	username?: string;
	/** Human readable text of the last status change (also sent in the webhook). */
	message: string;
	createdAt: string;
	updatedAt: string;
}

export type InvoiceStatus = 'open' | 'paid' | 'overdue' | 'disputed';

export interface Invoice {
	invoiceId: string;
	invoiceNumber: string;
	poNumber: string;
	portalName: string;
	amount: number;
	currency: string;
	invoiceDate: string;
	dueDate: string;
	status: InvoiceStatus;
	paidDate?: string;
}

export interface Registration {
	webhookId: string;
	url: string;
	secret?: string;
	createdAt: string;
}

export interface AccessTokenRecord {
	/** ms since epoch; expiry = issuedAt + the CURRENT tokenLifetimeSeconds, checked per request. */
	issuedAt: number;
}

export interface RefreshTokenRecord {
	issuedAt: number;
	used: boolean;
}

export interface TokenStore {
	access: Map<string, AccessTokenRecord>;
	refresh: Map<string, RefreshTokenRecord>;
	/** Set by rejectTokenOnce(): the next request with an otherwise valid token gets 401. */
	rejectNext: boolean;
	/** Every access and refresh token ever issued (revoked ones too), for leak scans. */
	issued: string[];
	/** The same as a set, to tell a revoked token from one this sandbox never issued. */
	known: Set<string>;
}

export interface SandboxStats {
	logins: number;
	loginFailures: number;
	refreshes: number;
	refreshFailures: number;
	/** /v1 and /collector requests received (fault-injected and dropped ones included). */
	requestsTotal: number;
	/** Keyed by "<METHOD> <route pattern>", e.g. "GET /v1/getClientInvoices/:connection_uuid". */
	requests: Record<string, number>;
	/** 401 answers sent on /v1 (refused tokens and logins; with errorsInHttp200 they go out as HTTP 200). */
	unauthorized: number;
	/** /v1 requests whose Bearer token or refresh token this sandbox never issued. */
	foreignTokens: number;
	/** 429s sent by rateLimitPerSecond. */
	rateLimited: number;
	/** 429s sent by maxInFlight. */
	concurrencyRejected: number;
	/** /v1 requests being handled now (latency included, hung ones excluded). */
	inFlight: number;
	/** The highest inFlight since start or the last reset (a reset starts it at the current inFlight). */
	inFlightMax: number;
	deliveries: {
		/** HTTP attempts made (first tries and retries). */
		attempts: number;
		/** Events delivered (a 2xx came back). */
		succeeded: number;
		/** Events given up on after the last retry. */
		failed: number;
		/** Retry attempts made (attempts after the first of an event). */
		retried: number;
	};
	registrations: {
		/** Every successful POST /v1/clientsPortalLoginChanges (a replacing one included). */
		created: number;
		/** Registrations that displaced an existing one. */
		replaced: number;
		deleted: number;
	};
}

export interface LogEntry {
	at: string;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Route pattern, e.g. "/v1/getClientInvoices/:connection_uuid"; null when no route matched. */
	route: string | null;
	/** Status sent; null when the socket was destroyed instead (drop / dropResponse faults). */
	status: number | null;
	/** Set when an injected fault decided the outcome. */
	fault?: FaultKind;
	/** The Bearer token the request carried, as this sandbox sees it when the request arrives. */
	token: TokenProvenance;
	/** POST /v1/refreshToken only: the refresh token in its body. */
	refreshToken?: RefreshTokenProvenance;
}

/** 'unknown': this sandbox never issued it (another sandbox or environment did, or nobody). */
export type TokenProvenance = 'none' | 'valid' | 'expired' | 'revoked' | 'unknown';
/** 'revoked': issued here, then ended by revokeTokens(). */
export type RefreshTokenProvenance = 'none' | 'valid' | 'used' | 'revoked' | 'unknown';

/** 'hang': the request is read and never answered (until close()). */
export type FaultKind = 'status' | 'drop' | 'dropResponse' | 'hang';

export interface FaultSpec {
	/** Any method when absent. */
	method?: string;
	/** Prefix of the request path, e.g. '/v1/getClientInvoices/'. */
	path: string;
	count: number;
	kind: FaultKind;
	/** Required for kind 'status'. */
	status?: number;
	/** For 429: the Retry-After header, default 1. */
	retryAfterSeconds?: number;
	/** Raw body instead of the JSON error body (e.g. an HTML error page). */
	body?: string;
	/** Content-Type of the raw body, default 'text/plain; charset=utf-8'. */
	contentType?: string;
}

export interface InjectedFault extends FaultSpec {
	id: string;
	/** Matches left; the fault is removed when it reaches 0. */
	remaining: number;
}

export interface PortalLoginChangeEvent {
	eventId: string;
	event: 'clientPortalLoginChange';
	occurredAt: string;
	customerUUID: string;
	clientUUID: string;
	connection_uuid: string;
	portalName: string;
	status: ConnectionStatus;
	retryRequired: boolean;
	message: string;
}

export interface DeliveryAttempt {
	at: string;
	url: string;
	statusCode?: number;
	error?: string;
}

/** 'queued': waiting behind earlier events of the account (or not yet attempted). */
export type DeliveryOutcome = 'queued' | 'retrying' | 'delivered' | 'failed' | 'no-registration';

export interface DeliveryRecord {
	eventId: string;
	status: ConnectionStatus;
	/** URL of the last attempt; null before the first attempt. */
	url: string | null;
	attempts: DeliveryAttempt[];
	outcome: DeliveryOutcome;
	payload: PortalLoginChangeEvent;
}

export interface SandboxState {
	settings: SandboxSettings;
	account: { email: string; password: string };
	/** Keyed by lower-case UUID (UUIDs are stored and returned in canonical lower case). */
	customers: Map<string, Customer>;
	clients: Map<string, Client>;
	connections: Map<string, Connection>;
	/** Invoices by connection_uuid, in their stable (insertion) order. */
	invoices: Map<string, Invoice[]>;
	/** One registration per account (the sandbox has one account). */
	registration: Registration | null;
	tokens: TokenStore;
	counters: SandboxStats;
	log: LogEntry[];
	faults: InjectedFault[];
	/** Arrival times (performance.now() ms) of the /v1 requests admitted in the last second, oldest first. */
	rateWindow: number[];
	/** Every webhook event emitted, oldest first. */
	events: DeliveryRecord[];
}

export interface PortalCredentialsInput {
	clientUUID: string;
	portalName: string;
	username: string;
	password: string;
}

export interface PortalSubmission {
	connection_uuid: string;
	clientUUID: string;
	customerUUID: string;
	portalName: string;
	status: 'pending';
}

export interface SeedInvoicesInput {
	connection_uuid: string;
	count: number;
	statuses?: InvoiceStatus[];
	currency?: string;
}

/** What PATCH /_sandbox/invoices/:invoiceId may change (at least one field). */
export interface ChangeInvoiceInput {
	amount?: number;
	currency?: string;
	status?: InvoiceStatus;
	dueDate?: string;
	/** Only kept while the status is paid. */
	paidDate?: string;
}

export interface CreateConnectionInput {
	clientUUID: string;
	portalName: string;
	/** Default 'success' (a seeded connection is usually an established one). */
	status?: ConnectionStatus;
	/** Optional fixed id, for deterministic seeds; generated otherwise. */
	connection_uuid?: string;
}

export interface RegistrationView {
	webhookId: string;
	url: string;
	hasSecret: boolean;
}

export type DeliveriesPredicate = (deliveries: DeliveryRecord[]) => boolean;

export interface SandboxControl {
	stats(): SandboxStats;
	log(): LogEntry[];
	resetStats(): void;
	getSettings(): SandboxSettings;
	updateSettings(patch: Partial<SandboxSettings>): SandboxSettings;
	injectFault(fault: FaultSpec): InjectedFault;
	faults(): InjectedFault[];
	clearFaults(): void;
	rejectTokenOnce(): void;
	revokeTokens(): void;
	submitPortalCredentials(input: PortalCredentialsInput): Promise<PortalSubmission>;
	seedInvoices(input: SeedInvoicesInput): { connection_uuid: string; total: number };
	/** Changes one collected invoice (by invoiceId or invoiceNumber) and returns it; no event is sent. */
	changeInvoice(invoiceId: string, input: ChangeInvoiceInput): Invoice;
	createConnection(input: CreateConnectionInput): Connection;
	deliveries(): DeliveryRecord[];
	registration(): RegistrationView | null;
	/** The account password and every token ever issued: what a leak scan must not find. */
	secrets(): { password: string; tokens: string[] };
	redeliver(eventId: string): Promise<DeliveryRecord>;
	/**
	 * Resolves with the deliveries once settled: with a count, when at least that many events exist
	 * and none is queued or retrying; with a predicate, when it returns true (checked on every change).
	 * Rejects after timeoutMs (default 10000).
	 */
	waitForDeliveries(predicateOrCount: number | DeliveriesPredicate, timeoutMs?: number): Promise<DeliveryRecord[]>;
}

export interface Sandbox {
	/** 'http://127.0.0.1:<port>' (no trailing slash). */
	url: string;
	login: { email: string; password: string };
	state: SandboxState;
	control: SandboxControl;
	/** Stops the server, pending deliveries and timers. */
	close(): Promise<void>;
}
