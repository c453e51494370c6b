# Tests of portcullis/register (run: npx portcullis policy test policies/).
package portcullis

register_fixture := object.union(fixture, {
	"software_statement_issuers": {"https://issuer.example": {"jwks_uri": "https://issuer.example/jwks"}},
	"registration_policies": {
		"public": {"allow_plain_registration": true, "token_endpoint_auth_methods": ["client_secret_basic", "none"], "restrictions": {"dpop_bound_access_tokens": true}},
		"partners": {"allow_plain_registration": true, "software_ids": ["sw-partner"], "require_initial_access_token": true},
	},
})

register_request(c, how) := {
	"resources": [],
	"scopes": [],
	"subject": null,
	"context": {"phase": "register", "grant_type": "client_credentials", "client": c, "environment": {"ip": "198.51.100.7"}, "registration": how},
}

plain := {"software_statement": false, "initial_access_token": false, "update": false}

test_statement_from_trusted_issuer_is_allowed if {
	c := {"client_id": "dyn-1", "software_id": "sw-2", "software_statement": {"iss": "https://issuer.example", "software_id": "sw-2"}}
	d := register with input as register_request(c, plain) with data.oauth_config as register_fixture
	d.allow == true
	d.restrictions == {}
}

test_statement_from_untrusted_issuer_is_refused if {
	c := {"client_id": "dyn-1", "software_statement": {"iss": "https://evil.example"}}
	d := register with input as register_request(c, plain) with data.oauth_config as register_fixture
	d.allow == false
	d.reason == "software_statement_issuer_not_trusted"
}

test_plain_registration_allowed_by_policy_data_with_restrictions if {
	c := {"client_id": "dyn-2", "token_endpoint_auth_method": "client_secret_basic", "software_statement": {}}
	d := register with input as register_request(c, plain) with data.oauth_config as register_fixture
	d.allow == true
	d.restrictions == {"dpop_bound_access_tokens": true}
}

test_restrictions_of_every_allowing_record_apply if {
	extra := object.union(register_fixture, {"registration_policies": object.union(register_fixture.registration_policies, {"short": {"allow_plain_registration": true, "restrictions": {"scope": "read"}}})})
	c := {"client_id": "dyn-8", "token_endpoint_auth_method": "client_secret_basic", "software_statement": {}}
	d := register with input as register_request(c, plain) with data.oauth_config as extra
	d.allow == true
	d.restrictions == {"dpop_bound_access_tokens": true, "scope": "read"}
}

test_plain_registration_refused_without_policy_data if {
	c := {"client_id": "dyn-3", "token_endpoint_auth_method": "client_secret_basic", "software_statement": {}}
	d := register with input as register_request(c, plain) with data.oauth_config as fixture
	d.allow == false
	d.reason == "plain_registration_not_allowed"
}

test_plain_registration_refused_for_an_auth_method_not_listed if {
	c := {"client_id": "dyn-4", "token_endpoint_auth_method": "private_key_jwt", "software_statement": {}}
	d := register with input as register_request(c, plain) with data.oauth_config as register_fixture
	d.allow == false
}

test_partner_record_needs_the_initial_access_token if {
	c := {"client_id": "dyn-5", "token_endpoint_auth_method": "private_key_jwt", "software_id": "sw-partner", "software_statement": {}}
	d1 := register with input as register_request(c, plain) with data.oauth_config as register_fixture
	d1.allow == false
	with_token := {"software_statement": false, "initial_access_token": true, "update": false}
	d2 := register with input as register_request(c, with_token) with data.oauth_config as register_fixture
	d2.allow == true
}

test_denied_software_cannot_register if {
	c := {"client_id": "dyn-6", "software_id": "sw-bad", "software_statement": {"iss": "https://issuer.example", "software_id": "sw-bad"}}
	d := register with input as register_request(c, plain) with data.oauth_config as register_fixture
	d.allow == false
	d.reason == "software_denied"
}

test_register_is_for_the_register_phase if {
	c := {"client_id": "dyn-7", "software_statement": {"iss": "https://issuer.example"}}
	req := {"resources": [], "scopes": [], "subject": null, "context": {"phase": "token", "client": c, "registration": plain}}
	d := register with input as req with data.oauth_config as register_fixture
	d.allow == false
}
