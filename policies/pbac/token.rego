# Entrypoint portcullis/token: what a client-credentials token may carry — allow, scopes (requested ∩
# entitled ∩ the requested resources' type scopes), ttl, jit_single_use, obligations, and the reason
# for a denial.
package portcullis

# No scope requested means every entitled scope.
requested_scopes := {s | some s in input.scopes} if count(object.get(input, "scopes", [])) > 0

requested_scopes := entitled_scopes if count(object.get(input, "scopes", [])) == 0

# Scopes the requested resources' types offer; with no resource named, the entitlement bounds them.
typed_resources := [r | some r in requested_resources; not server_only(r)]

available_scopes := {s | some r in typed_resources; some s in type_scopes(resource_type_of(r))} if {
	count(typed_resources) > 0
}

available_scopes := entitled_scopes if count(typed_resources) == 0

granted_scopes := {s | some s in requested; s in entitled; s in available} if {
	requested := requested_scopes
	entitled := entitled_scopes
	available := available_scopes
}

token_denials contains reason if some reason in deny_reasons

token_denials contains "wrong_phase" if {
	phase != ""
	phase != "token"
}

token_denials contains "grant_type_not_entitled" if {
	grant_types := entitlement_value("grant_types")
	not text(request_context, "grant_type") in grant_types
}

token_denials contains "no_scope_granted" if {
	has_entitlement
	count(granted_scopes) == 0
}

token_denials contains concat("", ["resource_type_unknown:", resource_label(r)]) if {
	some r in typed_resources
	not resource_types[resource_type_of(r)]
}

token_denials contains concat("", ["resource_type_not_entitled:", t]) if {
	some r in requested_resources
	t := resource_type_of(r)
	resource_types[t]
	not type_entitled(t)
}

token_denials contains concat("", ["resource_server_unknown:", s]) if {
	some r in requested_resources
	s := resource_server_of(r)
	s != ""
	not server_known(s)
}

token_denials contains concat("", ["resource_server_mismatch:", r.id]) if {
	some r in requested_resources
	declared := known_resources[r.id].server
	given := resource_server_of(r)
	given != ""
	not server_matches(declared, given)
}

token_denials contains concat("", ["resource_owner_mismatch:", r.id]) if {
	some r in requested_resources
	owner := known_resources[r.id].owner
	not owner_ok(owner)
}

token_denials contains concat("", ["action_not_allowed:", resource_label(r), ":", a]) if {
	some r in typed_resources
	some a in object.get(r, "actions", [])
	not a in type_actions(resource_type_of(r))
}

token_denials contains concat("", ["action_not_granted:", resource_label(r), ":", a]) if {
	some r in typed_resources
	some a in object.get(r, "actions", [])
	a in type_scopes(resource_type_of(r))
	not a in granted_scopes
}

# The entitlement's ttl overrides the default (0 = the server's default); a resource type's max_ttl caps it.
base_ttl := entitlement_value("ttl")

base_ttl := object.get(defaults, "ttl", 0) if not entitlement_sets("ttl")

ttl_candidates contains base_ttl if base_ttl > 0

ttl_candidates contains cap if {
	some r in requested_resources
	some x in lineage(resource_type_of(r))
	cap := resource_types[x].max_ttl
}

shorter_ttl_exists(c) if {
	some d in ttl_candidates
	d < c
}

ttl := c if {
	some c in ttl_candidates
	not shorter_ttl_exists(c)
}

ttl := 0 if count(ttl_candidates) == 0

default single_use := false

single_use if entitlement_value("jit_single_use") == true

single_use if {
	some r in requested_resources
	some x in lineage(resource_type_of(r))
	resource_types[x].jit_single_use == true
}

token_obligations contains o if some o in entitlement_obligations

token_obligations contains o if {
	some r in requested_resources
	some o in type_obligations(resource_type_of(r))
}

token_obligations contains {"type": "single_use"} if single_use

# The denials are computed once and handed down.
token := token_result(token_denials)

token_result(denials) := {
	"allow": true,
	"scopes": [s | some s in granted_scopes],
	"ttl": ttl,
	"jit_single_use": single_use,
	"obligations": [o | some o in token_obligations],
	"reason": "",
} if count(denials) == 0

token_result(denials) := {
	"allow": false,
	"scopes": [],
	"ttl": 0,
	"jit_single_use": false,
	"obligations": [],
	"reason": concat(", ", denials),
} if count(denials) > 0
