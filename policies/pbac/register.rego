# Entrypoint portcullis/register: whether a client may register (RFC 7591, phase "register"), and what
# policy imposes on it. A registration backed by a software statement is allowed when its issuer is
# trusted (data.oauth_config.software_statement_issuers); one without a statement only where public-client
# policy data (data.oauth_config.registration_policies) allows plain registration — for its auth method
# and software_id, and with the initial access token when the record asks for one. Deny lists apply.
package portcullis

software_statement_issuers := object.get(oauth_config, "software_statement_issuers", {})

registration_policies := object.get(oauth_config, "registration_policies", {})

registration := object.get(request_context, "registration", {})

has_software_statement if count(software_statement) > 0

statement_issuer := text(software_statement, "iss")

statement_trusted if {
	statement_issuer != ""
	software_statement_issuers[statement_issuer]
}

registered_auth_method := object.get(client, "token_endpoint_auth_method", "client_secret_basic")

# A registration-policy record that allows this plain registration.
plain_policy_allows(p) if {
	p.allow_plain_registration == true
	plain_method_ok(p)
	plain_software_ok(p)
	plain_initial_token_ok(p)
}

plain_method_ok(p) if not p.token_endpoint_auth_methods

plain_method_ok(p) if registered_auth_method in p.token_endpoint_auth_methods

plain_software_ok(p) if not p.software_ids

plain_software_ok(p) if {
	software_id != ""
	software_id in p.software_ids
}

plain_initial_token_ok(p) if not p.require_initial_access_token == true

plain_initial_token_ok(_) if registration.initial_access_token == true

plain_allowed if {
	some p in registration_policies
	plain_policy_allows(p)
}

register_denials contains "wrong_phase" if {
	phase != ""
	phase != "register"
}

register_denials contains "client_denied" if client_id in denied_client_ids

register_denials contains "software_denied" if {
	software_id != ""
	software_id in denied_software_ids
}

register_denials contains "ip_denied" if {
	ip := text(environment, "ip")
	ip != ""
	ip in object.get(deny_lists, "ips", [])
}

register_denials contains "software_statement_issuer_not_trusted" if {
	has_software_statement
	not statement_trusted
}

register_denials contains "plain_registration_not_allowed" if {
	not has_software_statement
	not plain_allowed
}

# Metadata every allowing registration-policy record imposes, together (plain registrations only).
plain_restrictions := object.union_n(rs) if {
	not has_software_statement
	rs := [x | some p in registration_policies; plain_policy_allows(p); x := object.get(p, "restrictions", {})]
	count(rs) > 0
}

default register_restrictions := {}

register_restrictions := plain_restrictions

register := register_result(register_denials, register_restrictions)

register_result(denials, restrictions) := {"allow": true, "reason": "", "restrictions": restrictions} if count(denials) == 0

register_result(denials, _) := {"allow": false, "reason": concat(", ", denials)} if count(denials) > 0
