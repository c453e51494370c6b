# Policy data and request builders shared by the PBAC tests.
package portcullis

fixture := {
	"resource_types": {
		"api": {"scopes": ["read", "write"]},
		"api.orders": {"parent": "api", "scopes": ["orders.cancel"], "obligations": [{"type": "audit", "level": "high"}]},
		"api.orders.refunds": {"parent": "api.orders", "scopes": ["refund"], "max_ttl": 300, "jit_single_use": true},
		"files": {"scopes": ["read"]},
	},
	"resource_servers": {"orders-rs": {"client_id": "orders-rs-client", "resource": "https://orders.example"}},
	"resources": {
		"order-1": {"type": "api.orders", "server": "orders-rs"},
		"order-2": {"type": "api.orders", "server": "orders-rs"},
		"order-7": {"type": "api.orders", "server": "orders-rs", "owner": "client-b"},
	},
	"entitlements": {
		"by_client_id": {
			"client-a": {"scopes": ["read", "write", "orders.cancel"], "resource_types": ["api"], "ttl": 600, "obligations": [{"type": "log"}]},
			"client-b": {"scopes": ["read"], "resource_types": ["api.orders"], "jit_single_use": true},
			"client-c": {"ttl": 120},
			"client-gt": {"scopes": ["read"], "resource_types": ["api"], "grant_types": ["authorization_code"]},
			"client-plain": {"scopes": ["read"], "resource_types": ["api"]},
		},
		"by_software_id": {"sw-1": {"scopes": ["read", "refund"], "resource_types": ["api.orders"], "ttl": 900}},
	},
	"deny": {"client_ids": ["client-bad"], "software_ids": ["sw-bad"], "ips": ["203.0.113.9"]},
	"defaults": {"ttl": 3600},
}

client_of(cid) := {"client_id": cid, "client_type": "confidential"}

token_request(c, scopes, resources) := token_request_from(c, scopes, resources, "192.0.2.1")

token_request_from(c, scopes, resources, ip) := {
	"phase": "token",
	"scopes": scopes,
	"resources": resources,
	"context": {
		"client": c,
		"grant_type": "client_credentials",
		"environment": {"ip": ip, "user_agent": "test", "time": "2026-01-01T00:00:00Z"},
	},
}

introspect_request(c, token, rs) := {
	"phase": "introspect",
	"token": token,
	"context": {
		"client": c,
		"grant_type": "client_credentials",
		"environment": {"ip": "192.0.2.1"},
		"rs_context": rs,
	},
}

order_1 := {"type": "api.orders", "id": "order-1", "server": "orders-rs", "actions": ["read"]}

# The fixture with one top-level part replaced (no json.patch: the tests keep to plain Rego).
fixture_with(part, value) := {k: v | some k, x in fixture; v := replaced(k, x, part, value)}

replaced(k, _, part, value) := value if k == part

replaced(k, x, part, _) := x if k != part

entitlements_with_client(cid, e) := {
	"by_client_id": {k: v | some k, x in fixture.entitlements.by_client_id; v := replaced(k, x, cid, e)},
	"by_software_id": fixture.entitlements.by_software_id,
}

entitlements_without_client(cid) := {
	"by_client_id": {k: v | some k, v in fixture.entitlements.by_client_id; k != cid},
	"by_software_id": fixture.entitlements.by_software_id,
}

# Policy data as the admin API writes it (src/actors/policy-data.ts): lists of entitlements per key,
# named deny lists flattened into denied_client_ids.
server_shape := {
	"resource_types": {"api": {"name": "api", "scopes": ["read", "write"], "actions": ["list"]}},
	"resource_servers": {"rs1": {"id": "rs1", "client_id": "rs1-client", "resource": "https://api.example"}},
	"resources": {},
	"entitlements": {},
	"entitlements_by_client_id": {"svc": [
		{"id": "e1", "client_id": "svc", "scopes": ["read"], "resource_type": "api", "ttl": 900},
		{"id": "e2", "client_id": "svc", "scopes": ["write"], "ttl": 300, "obligations": {"type": "notify"}},
	]},
	"entitlements_by_software_id": {},
	"deny": {"d1": {"id": "d1", "client_ids": ["evil"]}},
	"denied_client_ids": ["evil"],
	"denied_software_ids": [],
}

server_resource(type, actions) := {"type": type, "id": null, "server": "rs1", "indicator": "https://api.example", "actions": actions}

# A resource server that lists the types it serves.
with_typed_server := fixture_with("resource_servers", {
	"orders-rs": {"client_id": "orders-rs-client", "resource": "https://orders.example", "resource_types": ["api.orders"]},
	"files-rs": {"client_id": "files-rs-client", "resource": "https://files.example", "resource_types": ["files"]},
})
