/**
 * Webhook deliveries of portal login changes: one FIFO per account (the next event waits until the
 * previous one is delivered or given up), at-least-once with retries that resend the same body.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { restyle } from './dialects';
import { notFound } from './errors';
import { isLoopbackHost } from './registration';
import { nowIso } from './state';
import type { Timers } from './timers';
import type {
	DeliveriesPredicate,
	DeliveryAttempt,
	DeliveryRecord,
	PortalLoginChangeEvent,
	Registration,
	SandboxSettings,
	SandboxState,
} from './types';

export const USER_AGENT = 'PortalDuct-Sandbox/1';
export const SIGNATURE_HEADER = 'X-PortalDuct-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (the assumed scheme of the API notes). */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
	const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
	return `t=${unixSeconds},v1=${v1}`;
}

/**
 * The JSON body of a delivery as the dialect settings write it (dialects.ts): the contract's by
 * default; else the status word of `deliveryStatusWords`, the id as `eventId`, `id` or absent
 * (`deliveryEventId`), field names in `fieldStyle`, and everything but the id and `event` under one
 * wrapper object (`deliveryWrapper`), as envelopes of other webhook APIs do.
 */
export function deliveryBody(event: PortalLoginChangeEvent, settings: SandboxSettings): Record<string, unknown> {
	const { eventId, event: name, ...fields } = event;
	const id: Record<string, unknown> =
		settings.deliveryEventId === 'eventId' ? { eventId } : settings.deliveryEventId === 'id' ? { id: eventId } : {};
	const rest = { ...fields, status: settings.deliveryStatusWords[event.status] ?? event.status };
	const body =
		settings.deliveryWrapper === 'none'
			? { ...id, event: name, ...rest }
			: { ...id, event: name, [settings.deliveryWrapper]: rest };
	return restyle(body, settings.fieldStyle) as Record<string, unknown>;
}

const SETTLED = new Set(['delivered', 'failed', 'no-registration']);
export const isSettled = (record: DeliveryRecord) => SETTLED.has(record.outcome);

interface Waiter {
	check(): boolean;
	resolve(): void;
	reject(error: Error): void;
}

export class DeliveryQueue {
	private readonly queue: DeliveryRecord[] = [];
	private readonly bodies = new Map<string, string>();
	private readonly inFlight = new Set<http.ClientRequest>();
	private readonly waiters = new Set<Waiter>();
	private pumping = false;

	constructor(
		private readonly state: SandboxState,
		private readonly timers: Timers,
	) {}

	emit(payload: PortalLoginChangeEvent): DeliveryRecord {
		const record: DeliveryRecord = {
			eventId: payload.eventId,
			status: payload.status,
			url: null,
			attempts: [],
			outcome: 'queued',
			payload,
		};
		// The body is serialised once: a retry or a redelivery sends these exact bytes again.
		// Written in the dialect of the moment it is emitted (deliveryBody).
		this.bodies.set(payload.eventId, JSON.stringify(deliveryBody(payload, this.state.settings)));
		this.state.events.push(record);
		this.enqueue(record);
		return record;
	}

	/** Sends an event again with the same eventId and body (at-least-once on demand). */
	redeliver(eventId: string): DeliveryRecord {
		const record = this.state.events.find((e) => e.eventId === eventId);
		if (!record) throw notFound(`Event ${eventId} not found`);
		// Already waiting or retrying: it will be sent anyway, do not queue it twice.
		if (isSettled(record)) {
			record.outcome = 'queued';
			this.enqueue(record);
		}
		return record;
	}

	snapshot(): DeliveryRecord[] {
		return this.state.events.map((record) => ({
			...record,
			attempts: record.attempts.map((a) => ({ ...a })),
			payload: { ...record.payload },
		}));
	}

	waitFor(predicateOrCount: number | DeliveriesPredicate, timeoutMs = 10000): Promise<DeliveryRecord[]> {
		const check =
			typeof predicateOrCount === 'number'
				? () => this.state.events.length >= predicateOrCount && this.state.events.every(isSettled)
				: () => predicateOrCount(this.snapshot());
		return new Promise((resolve, reject) => {
			if (check()) return resolve(this.snapshot());
			if (this.timers.isClosed) return reject(new Error('Sandbox is closed'));
			const waiter: Waiter = {
				check,
				resolve: () => {
					this.timers.clear(timer);
					this.waiters.delete(waiter);
					resolve(this.snapshot());
				},
				reject: (error) => {
					this.timers.clear(timer);
					this.waiters.delete(waiter);
					reject(error);
				},
			};
			const timer = this.timers.set(() => {
				const summary = this.state.events
					.map((e) => `${e.eventId} ${e.status} ${e.outcome} (${e.attempts.length} attempts)`)
					.join('; ');
				waiter.reject(
					new Error(`waitForDeliveries timed out after ${timeoutMs} ms; deliveries: [${summary || 'none'}]`),
				);
			}, timeoutMs);
			this.waiters.add(waiter);
		});
	}

	close(): void {
		for (const request of this.inFlight) request.destroy();
		this.inFlight.clear();
		for (const waiter of [...this.waiters]) waiter.reject(new Error('Sandbox closed while waiting for deliveries'));
	}

	private changed(): void {
		for (const waiter of [...this.waiters]) {
			let done = false;
			try {
				done = waiter.check();
			} catch (error) {
				waiter.reject(error instanceof Error ? error : new Error(String(error)));
				continue;
			}
			if (done) waiter.resolve();
		}
	}

	private enqueue(record: DeliveryRecord): void {
		this.queue.push(record);
		this.changed();
		void this.pump();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0 && !this.timers.isClosed) {
				await this.deliver(this.queue[0]);
				if (this.timers.isClosed) return;
				this.queue.shift();
				this.changed();
			}
		} finally {
			this.pumping = false;
		}
	}

	private async deliver(record: DeliveryRecord): Promise<void> {
		// Read each time: resetStats() swaps the nested counter objects.
		const counters = () => this.state.counters.deliveries;
		for (let attemptNumber = 0; ; attemptNumber++) {
			// The URL (and secret) is read at send time: a replaced registration gets the retries.
			const registration = this.state.registration;
			if (!registration) {
				record.outcome = 'no-registration';
				return;
			}
			if (attemptNumber > 0) counters().retried++;
			counters().attempts++;
			const attempt = await this.attempt(record.eventId, registration);
			if (this.timers.isClosed) return;
			record.attempts.push(attempt);
			record.url = attempt.url;
			if (attempt.statusCode !== undefined && attempt.statusCode >= 200 && attempt.statusCode < 300) {
				record.outcome = 'delivered';
				counters().succeeded++;
				return;
			}
			const delays = this.state.settings.deliveryRetryDelaysMs;
			if (attemptNumber >= delays.length) {
				record.outcome = 'failed';
				counters().failed++;
				return;
			}
			record.outcome = 'retrying';
			this.changed();
			await this.timers.delay(delays[attemptNumber]);
		}
	}

	private attempt(eventId: string, registration: Registration): Promise<DeliveryAttempt> {
		const at = nowIso();
		const url = registration.url;
		const body = this.bodies.get(eventId) ?? '';
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				return resolve({ at, url, error: 'invalid URL' });
			}
			// Checked again at send time: the setting may have been turned off since registration.
			if (!this.state.settings.allowAnyWebhookHost && !isLoopbackHost(target.hostname)) {
				return resolve({ at, url, error: `blocked: ${target.hostname} is not a loopback host` });
			}
			const headers: http.OutgoingHttpHeaders = {
				'Content-Type': 'application/json',
				'Content-Length': Buffer.byteLength(body),
				'User-Agent': USER_AGENT,
			};
			if (registration.secret !== undefined) {
				headers[SIGNATURE_HEADER] = signatureHeader(registration.secret, body, Math.floor(Date.now() / 1000));
			}
			let settled = false;
			const finish = (result: Omit<DeliveryAttempt, 'at' | 'url'>) => {
				if (settled) return;
				settled = true;
				this.timers.clear(timer);
				this.inFlight.delete(request);
				resolve({ at, url, ...result });
			};
			const timeoutMs = this.state.settings.deliveryTimeoutMs;
			// agent: false = a fresh socket closed after the answer, so nothing lingers after close().
			const request = (target.protocol === 'https:' ? https : http).request(target, {
				method: 'POST',
				headers,
				agent: false,
			});
			const timer = this.timers.set(() => {
				finish({ error: `timeout: no answer within ${timeoutMs} ms` });
				request.destroy();
			}, timeoutMs);
			this.inFlight.add(request);
			request.on('response', (response) => {
				response.on('error', () => finish({ statusCode: response.statusCode }));
				response.on('end', () => finish({ statusCode: response.statusCode }));
				response.resume();
			});
			request.on('error', (error) => finish({ error: error.message || String(error) }));
			request.end(body);
		});
	}
}
