# Tests of portcullis/token (run: npx portcullis policy test policies/).
package portcullis

test_scopes_are_requested_and_entitled_and_offered_by_the_type if {
	d := token with input as token_request(client_of("client-a"), ["read", "admin"], [{"type": "api", "id": "x", "server": "orders-rs"}])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["read"]
	d.reason == ""
}

test_child_type_inherits_parent_scopes_and_obligations if {
	d := token with input as token_request(client_of("client-a"), ["read", "orders.cancel"], [order_1])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["orders.cancel", "read"]
	{"type": "audit", "level": "high"} in d.obligations
	{"type": "log"} in d.obligations
}

test_no_scope_requested_means_entitled_scopes if {
	d := token with input as token_request(client_of("client-plain"), [], [])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["read"]
}

test_entitlement_ttl_overrides_default if {
	d := token with input as token_request(client_of("client-a"), ["read"], [order_1])
		with data.oauth_config as fixture
	d.ttl == 600
}

test_default_ttl if {
	d := token with input as token_request(client_of("client-plain"), ["read"], [])
		with data.oauth_config as fixture
	d.ttl == 3600
}

test_resource_type_caps_ttl_and_makes_single_use if {
	c := {"client_id": "new-client", "software_id": "sw-1"}
	d := token with input as token_request(c, ["refund"], [{"type": "api.orders.refunds", "id": "r-1", "server": "orders-rs"}])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["refund"]
	d.ttl == 300
	d.jit_single_use == true
	{"type": "single_use"} in d.obligations
	{"type": "audit", "level": "high"} in d.obligations
}

test_entitlement_single_use if {
	d := token with input as token_request(client_of("client-b"), ["read"], [order_1])
		with data.oauth_config as fixture
	d.allow == true
	d.jit_single_use == true
}

test_software_id_entitlement if {
	c := {"client_id": "new-client", "software_id": "sw-1"}
	d := token with input as token_request(c, ["read"], [order_1])
		with data.oauth_config as fixture
	d.allow == true
	d.ttl == 900
}

test_client_id_entitlement_overrides_software_id_field_by_field if {
	c := {"client_id": "client-c", "software_id": "sw-1"}
	d := token with input as token_request(c, ["read", "refund"], [order_1])
		with data.oauth_config as fixture
	d.allow == true
	d.ttl == 120
	d.scopes == ["read"]
}

test_software_statement_claims_entitle if {
	c := {"client_id": "dcr-client", "software_statement": {"software_id": "sw-new", "scope": "read write", "resource_types": ["api"]}}
	d := token with input as token_request(c, ["write"], [{"type": "api", "id": "x"}])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["write"]
}

test_software_statement_claims_overridden_by_client_id if {
	c := {"client_id": "client-c", "software_statement": {"scope": "read write", "resource_types": ["api"]}}
	d := token with input as token_request(c, ["read"], [{"type": "api", "id": "x"}])
		with data.oauth_config as fixture
	d.allow == true
	d.ttl == 120
}

test_no_entitlement_denied if {
	d := token with input as token_request(client_of("stranger"), ["read"], [])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "no_entitlement"
	d.scopes == []
}

test_denied_client if {
	d := token with input as token_request(client_of("client-bad"), ["read"], [])
		with data.oauth_config as fixture
	d.allow == false
	"client_denied" in token_denials with input as token_request(client_of("client-bad"), ["read"], [])
		with data.oauth_config as fixture
}

test_denied_software if {
	c := {"client_id": "client-a", "software_id": "sw-bad"}
	d := token with input as token_request(c, ["read"], [])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "software_denied"
}

test_denied_ip if {
	d := token with input as token_request_from(client_of("client-a"), ["read"], [], "203.0.113.9")
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "ip_denied"
}

test_resource_type_not_entitled if {
	d := token with input as token_request(client_of("client-b"), ["read"], [{"type": "files", "id": "f-1"}])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "resource_type_not_entitled:files"
}

test_unknown_resource_type if {
	d := token with input as token_request(client_of("client-a"), ["read"], [{"type": "nope", "id": "n-1"}])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "resource_type_unknown:n-1"
}

test_resource_type_from_data if {
	d := token with input as token_request(client_of("client-a"), ["orders.cancel"], [{"id": "order-2"}])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["orders.cancel"]
}

test_owner_rule if {
	denied := token with input as token_request(client_of("client-a"), ["read"], [{"id": "order-7", "server": "orders-rs"}])
		with data.oauth_config as fixture
	denied.allow == false
	denied.reason == "resource_owner_mismatch:order-7"
	allowed := token with input as token_request(client_of("client-b"), ["read"], [{"id": "order-7", "server": "orders-rs"}])
		with data.oauth_config as fixture
	allowed.allow == true
}

test_unknown_resource_server if {
	d := token with input as token_request(client_of("client-a"), ["read"], [{"type": "api", "id": "x", "server": "elsewhere"}])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "resource_server_unknown:elsewhere"
}

test_resource_server_by_indicator if {
	d := token with input as token_request(client_of("client-a"), ["read"], [{"id": "order-1", "server": "https://orders.example"}])
		with data.oauth_config as fixture
	d.allow == true
}

test_grant_type_not_entitled if {
	d := token with input as token_request(client_of("client-gt"), ["read"], [])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "grant_type_not_entitled"
}

test_action_outside_type if {
	d := token with input as token_request(client_of("client-a"), ["read"], [{"type": "files", "id": "f-1", "actions": ["delete"]}])
		with data.oauth_config as fixture
	d.allow == false
	"action_not_allowed:f-1:delete" in token_denials with input as token_request(client_of("client-a"), ["read"], [{"type": "files", "id": "f-1", "actions": ["delete"]}])
		with data.oauth_config as fixture
}

test_action_not_granted if {
	d := token with input as token_request(client_of("client-a"), ["read"], [{"type": "api", "id": "x", "actions": ["write"]}])
		with data.oauth_config as fixture
	d.allow == false
	d.reason == "action_not_granted:x:write"
}

test_several_denials_all_reported if {
	d := token with input as token_request(client_of("client-bad"), ["read"], [{"type": "nope", "id": "n-1"}])
		with data.oauth_config as fixture
	d.reason == "client_denied, no_entitlement, resource_type_unknown:n-1"
}

test_no_policy_data_denies if {
	d := token with input as token_request(client_of("client-a"), ["read"], [])
	d.allow == false
	d.reason == "no_entitlement"
}

test_resource_indicator_only_as_the_server_sends_it if {
	r := {"type": null, "id": null, "server": "orders-rs", "indicator": "https://orders.example", "actions": []}
	d := token with input as token_request(client_of("client-plain"), ["read"], [r])
		with data.oauth_config as fixture
	d.allow == true
	d.scopes == ["read"]
}

test_phase_from_context if {
	r := {"scopes": ["read"], "resources": [], "context": {"phase": "token", "client": client_of("client-plain"), "grant_type": "client_credentials"}}
	d := token with input as r with data.oauth_config as fixture
	d.allow == true
}

test_entitlement_lists_are_merged if {
	d := token with input as token_request(client_of("svc"), ["read", "write"], [server_resource(null, [])])
		with data.oauth_config as server_shape
	d.allow == true
	d.scopes == ["read", "write"]
	d.ttl == 300
	d.obligations == [{"type": "notify"}]
}

test_type_actions_allowed if {
	d := token with input as token_request(client_of("svc"), ["read"], [server_resource("api", ["list"])])
		with data.oauth_config as server_shape
	d.allow == true
}

test_named_deny_lists if {
	d := token with input as token_request(client_of("evil"), ["read"], [])
		with data.oauth_config as server_shape
	d.allow == false
	d.reason == "client_denied, no_entitlement"
}

test_no_ttl_anywhere_means_server_default if {
	cfg := fixture_with("defaults", {})
	d := token with input as token_request(client_of("client-plain"), ["read"], [])
		with data.oauth_config as cfg
	d.ttl == 0
}

test_server_only_resource_bounded_by_the_types_it_serves if {
	r := {"type": null, "id": null, "server": "orders-rs", "indicator": "https://orders.example", "actions": []}
	d := token with input as token_request(client_of("client-a"), ["read", "orders.cancel", "refund"], [r])
		with data.oauth_config as with_typed_server
	d.allow == true
	d.scopes == ["orders.cancel", "read"]
}

test_server_only_resource_needs_an_entitled_type if {
	r := {"type": null, "id": null, "server": null, "indicator": "https://files.example", "actions": []}
	d := token with input as token_request(client_of("client-a"), ["read"], [r])
		with data.oauth_config as with_typed_server
	d.allow == false
	d.reason == "resource_server_not_entitled:https://files.example"
}
