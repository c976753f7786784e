/**
 * Captures everything n8n logs. n8n-core hands nodes `Container.get(Logger)` (this.logger) and
 * n8n-workflow code logs through `LoggerProxy`; both are pointed at one capturing logger so tests
 * can read every line (and scan them for secrets). Set HARNESS_LOG=1 to also print them.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LoggerProxy, type LogMetadata } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogLine {
	level: LogLevel;
	message: string;
	meta: Record<string, unknown>;
}

type Sink = (line: LogLine) => void;

const sinks = new Set<Sink>();

/** Errors become plain objects, as n8n's own Logger does before writing them. */
function serialize(value: unknown, seen = new Set<unknown>()): unknown {
	if (!(value instanceof Error)) return value;
	seen.add(value);
	const { cause: rawCause } = value as { cause?: unknown };
	const cause = rawCause !== undefined && !seen.has(rawCause) ? serialize(rawCause, seen) : undefined;
	return { name: value.name, message: value.message, stack: value.stack, cause };
}

class CapturingLogger {
	constructor(private readonly scopes: string[] = []) {}

	error(message: string, metadata?: LogMetadata): void {
		this.log('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata): void {
		this.log('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata): void {
		this.log('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata): void {
		this.log('debug', message, metadata);
	}

	/** n8n services ask for scoped child loggers; they write to the same sinks. */
	scoped(scopes: string | string[]): CapturingLogger {
		return new CapturingLogger([...this.scopes, ...(Array.isArray(scopes) ? scopes : [scopes])]);
	}

	private log(level: LogLevel, message: string, metadata: LogMetadata = {}): void {
		const meta: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(metadata)) meta[key] = serialize(value);
		if (this.scopes.length > 0) meta.scopes = [...this.scopes];
		const line: LogLine = { level, message: String(message), meta };
		if (process.env.HARNESS_LOG) console.log(`[n8n ${level}] ${line.message}`, meta);
		for (const sink of sinks) sink(line);
	}
}

let installed = false;

/** Points n8n-core's Logger service and n8n-workflow's LoggerProxy at the capturing logger. */
export function installCapturingLogger(): void {
	if (installed) return;
	const logger = new CapturingLogger();
	// The real Logger has private fields, so it is replaced by shape, not by subclass.
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);
	installed = true;
}

/** Sends every following log line to `sink` until the returned function is called. */
export function subscribeToLogs(sink: Sink): () => void {
	sinks.add(sink);
	return () => {
		sinks.delete(sink);
	};
}
