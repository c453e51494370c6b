# Tests of portcullis/introspect (run: npx portcullis policy test policies/).
package portcullis

issued := {"scopes": ["read", "orders.cancel"], "resources": [order_1], "client_id": "client-a"}

test_allowed_in_scope_and_resource if {
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-1", "action": "read"})
		with data.oauth_config as fixture
	d.allow == true
	d.reason == ""
	{"type": "log"} in d.obligations
	{"type": "audit", "level": "high"} in d.obligations
}

test_no_rs_context_allowed if {
	d := introspect with input as introspect_request(client_of("client-a"), issued, {})
		with data.oauth_config as fixture
	d.allow == true
}

test_action_outside_token_scopes if {
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-1", "action": "write"})
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "action_not_in_scope"
}

test_resource_not_in_token if {
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-2", "action": "read"})
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "resource_not_in_token"
}

test_resource_indicator_in_token if {
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "orders-rs", "action": "read"})
		with data.oauth_config as fixture
	d.allow == true
}

test_child_type_covered_by_token_type if {
	tok := {"scopes": ["read"], "resources": [{"type": "api", "id": "x"}]}
	d := introspect with input as introspect_request(client_of("client-a"), tok, {"resource_type": "api.orders", "action": "read"})
		with data.oauth_config as fixture
	d.allow == true
}

test_other_type_not_covered if {
	tok := {"scopes": ["read"], "resources": [order_1]}
	d := introspect with input as introspect_request(client_of("client-a"), tok, {"resource_type": "files", "action": "read"})
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "resource_type_not_in_token"
}

test_entitlement_removed_after_issuance if {
	cfg := fixture_with("entitlements", entitlements_without_client("client-a"))
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-1", "action": "read"})
		with data.oauth_config as cfg
	d.allow == false
	d.reason == "no_entitlement"
}

test_scope_no_longer_entitled if {
	cfg := fixture_with("entitlements", entitlements_with_client("client-a", {"scopes": ["orders.cancel"], "resource_types": ["api"]}))
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-1", "action": "read"})
		with data.oauth_config as cfg
	d.allow == false
	d.reason == "action_no_longer_entitled"
}

test_client_denied_after_issuance if {
	cfg := fixture_with("deny", {"client_ids": ["client-a"]})
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-1", "action": "read"})
		with data.oauth_config as cfg
	d.allow == false
	d.reason == "client_denied"
}

test_rs_reported_ip_denied if {
	d := introspect with input as introspect_request(client_of("client-a"), issued, {"resource": "order-1", "action": "read", "ip": "203.0.113.9"})
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "ip_denied"
}

test_owner_rechecked if {
	tok := {"scopes": ["read"], "resources": [{"id": "order-7", "type": "api.orders"}]}
	d := introspect with input as introspect_request(client_of("client-a"), tok, {"resource": "order-7", "action": "read"})
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "resource_owner_mismatch"
}

test_single_use_obligation if {
	tok := {"scopes": ["read"], "resources": [order_1], "jit_single_use": true}
	d := introspect with input as introspect_request(client_of("client-b"), tok, {"resource": "order-1", "action": "read"})
		with data.oauth_config as fixture
	d.allow == true
	{"type": "single_use"} in d.obligations
}

test_token_entrypoint_refuses_introspect_phase if {
	d := token with input as introspect_request(client_of("client-a"), issued, {})
		with data.oauth_config as fixture
	d.allow == false
	"wrong_phase" in token_denials with input as introspect_request(client_of("client-a"), issued, {})
		with data.oauth_config as fixture
}
