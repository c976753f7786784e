/**
 * Network error codes in words. n8n rewrites any error message that contains a raw code such as
 * ECONNRESET into a generic sentence, so messages name the problem instead.
 */
export const networkWords: Record<string, string> = {
	ECONNRESET: 'the connection closed before PortalDuct answered',
	ECONNREFUSED: 'nothing answers at the Base URL (connection refused)',
	ETIMEDOUT: 'the request timed out',
	ESOCKETTIMEDOUT: 'the request timed out',
	ECONNABORTED: 'the request timed out',
	ENOTFOUND: 'the host name of the Base URL was not found',
	EAI_AGAIN: 'the host name of the Base URL could not be looked up',
};
