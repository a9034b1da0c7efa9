/** The `_security` endpoints' view of the security implementation (defined in runtime/security). */
export * from '../../security/admin-port.js';
