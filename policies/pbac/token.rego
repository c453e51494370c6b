# Entrypoint portcullis/token: what a client-credentials token may carry — allow, scopes (requested ∩
# entitled ∩ the requested resources' type scopes), ttl, jit_single_use, obligations, and the reason
# for a denial.
package portcullis

# No scope requested means every entitled scope.
requested_scopes := {s | some s in input.scopes} if count(object.get(input, "scopes", [])) > 0

requested_scopes := entitled_scopes if count(object.get(input, "scopes", [])) == 0

# Scopes the requested resources' types offer; with no resource named, the entitlement bounds them.
typed_resources := [r | some r in requested_resources; not server_only(r)]

# A resource bounds the scopes by its type's; one that names only a server, by the types that server
# serves (when it lists them).
resource_scopes(r) := type_scopes(resource_type_of(r)) if not server_only(r)

resource_scopes(r) := {s | some t in server_types(resource_server_of(r)); some s in type_scopes(t)} if server_only(r)

available_scopes := bounded_scopes([s | some r in requested_resources; s := resource_scopes(r); count(s) > 0])

bounded_scopes(sets) := {x | some s in sets; some x in s} if count(sets) > 0

bounded_scopes(sets) := entitled_scopes if count(sets) == 0

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
	rt := resource_types
	some r in typed_resources
	not rt[resource_type_of(r)]
}

token_denials contains concat("", ["resource_type_not_entitled:", t]) if {
	rt := resource_types
	some r in requested_resources
	t := resource_type_of(r)
	rt[t]
	not type_entitled(t)
}

token_denials contains concat("", ["resource_server_not_entitled:", s]) if {
	some r in requested_resources
	server_only(r)
	s := resource_server_of(r)
	types := server_types(s)
	count(types) > 0
	not server_type_entitled(types)
}

server_type_entitled(types) if {
	some t in types
	type_entitled(t)
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
	allowed := type_actions(resource_type_of(r))
	some a in object.get(r, "actions", [])
	not a in allowed
}

token_denials contains concat("", ["action_not_granted:", resource_label(r), ":", a]) if {
	granted := granted_scopes
	some r in typed_resources
	scopes := type_scopes(resource_type_of(r))
	some a in object.get(r, "actions", [])
	a in scopes
	not a in granted
}

# The entitlement's ttl overrides the default (0 = the server's default); the max_ttl of a requested
# resource type (or an ancestor) caps it.
ttl := shortest(candidates) if {
	entitled := {t | t := entitlement_value("ttl")}
	base := entitled | {t | count(entitled) == 0; t := object.get(defaults, "ttl", 0)}
	caps := {c | some r in requested_resources; some x in lineage(resource_type_of(r)); c := resource_types[x].max_ttl}
	candidates := {c | some c in base | caps; c > 0}
}

shortest(s) := 0 if count(s) == 0

shortest(s) := min(s) if count(s) > 0

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
token := token_result(token_denials, granted_scopes)

token_result(denials, granted) := {
	"allow": true,
	"scopes": [s | some s in granted],
	"ttl": ttl,
	"jit_single_use": single_use,
	"obligations": [o | some o in token_obligations],
	"reason": "",
} if count(denials) == 0

token_result(denials, _) := {
	"allow": false,
	"scopes": [],
	"ttl": 0,
	"jit_single_use": false,
	"obligations": [],
	"reason": concat(", ", denials),
} if count(denials) > 0
