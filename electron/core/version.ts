/** Kept in step with package.json by the release process; shown in system info and sent to networks. */
export const AGENT_VERSION = '0.1.0';
