/** Readers of PortalDuct's webhook deliveries (portal login changes) [doc statuses; payload assumed]. */

/** Portal-login status values [doc]. */
export const connectionStatuses = ['pending', 'success', 'failure'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];
