/** The `_security` endpoints' view of the security implementation (defined in runtime/security). */
export * from '../../runtime/security/admin-port.js';
