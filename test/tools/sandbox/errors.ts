/** An error with the HTTP status and code the sandbox answers it with: `{"error": code, "message"}`. */
export class SandboxError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = 'SandboxError';
	}
}

export const badRequest = (message: string) => new SandboxError(400, 'invalid_request', message);
export const notFound = (message: string) => new SandboxError(404, 'not_found', message);
export const conflict = (message: string) => new SandboxError(409, 'conflict', message);
