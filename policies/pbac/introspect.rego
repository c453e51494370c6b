# Entrypoint portcullis/introspect: whether a token issued earlier may serve the resource server's
# transaction now (input.context.rs_context), with the deny lists and the client's entitlement checked
# again — policy data may have changed since issuance — and the obligations the RS must fulfil.
package portcullis

# The token as issued: input.context.token (as the server sends it) or input.token.
token_info := object.get(input, "token", object.get(request_context, "token", {}))

token_single_use if token_info.jit_single_use == true

token_single_use if token_info.decision.jit_single_use == true

# The scopes and resources granted at issuance (falling back to those requested).
token_scopes := {s | some s in object.get(token_info, "scopes", object.get(input, "scopes", []))}

token_resources := object.get(token_info, "resources", requested_resources)

rs_context := object.get(request_context, "rs_context", {})

resource_in_token(rid) if {
	some r in token_resources
	r.id == rid
}

resource_in_token(rid) if {
	some r in token_resources
	resource_server_of(r) == rid
}

# A token for a type covers the types below it.
type_in_token(t) if {
	some r in token_resources
	resource_type_of(r) in lineage(t)
}

typed_token_resources := [r | some r in token_resources; not server_only(r)]

introspect_denials contains reason if some reason in deny_reasons

introspect_denials contains "wrong_phase" if {
	phase != ""
	phase != "introspect"
}

introspect_denials contains "ip_denied" if {
	ip := text(rs_context, "ip")
	ip != ""
	ip in object.get(deny_lists, "ips", [])
}

introspect_denials contains "action_not_in_scope" if {
	a := text(rs_context, "action")
	a != ""
	not a in token_scopes
}

introspect_denials contains "action_no_longer_entitled" if {
	a := text(rs_context, "action")
	a != ""
	has_entitlement
	not a in entitled_scopes
}

introspect_denials contains "action_not_allowed_for_type" if {
	a := text(rs_context, "action")
	a != ""
	t := text(rs_context, "resource_type")
	t != ""
	not a in type_actions(t)
}

introspect_denials contains "resource_not_in_token" if {
	rid := text(rs_context, "resource")
	rid != ""
	count(token_resources) > 0
	not resource_in_token(rid)
}

introspect_denials contains "resource_type_not_in_token" if {
	t := text(rs_context, "resource_type")
	t != ""
	count(typed_token_resources) > 0
	not type_in_token(t)
}

introspect_denials contains "resource_owner_mismatch" if {
	owner := known_resources[rs_context.resource].owner
	not owner_ok(owner)
}

introspect_denials contains concat("", ["resource_type_no_longer_entitled:", t]) if {
	has_entitlement
	some r in token_resources
	t := resource_type_of(r)
	not type_entitled(t)
}

introspect_obligations contains o if some o in entitlement_obligations

introspect_obligations contains o if {
	some r in token_resources
	some o in type_obligations(resource_type_of(r))
}

introspect_obligations contains o if {
	some o in type_obligations(rs_context.resource_type)
}

introspect_obligations contains {"type": "single_use"} if token_single_use

introspect := introspect_result(introspect_denials)

introspect_result(denials) := {
	"allow": true,
	"obligations": [o | some o in introspect_obligations],
	"reason": "",
} if count(denials) == 0

introspect_result(denials) := {
	"allow": false,
	"obligations": [],
	"reason": concat(", ", denials),
} if count(denials) > 0
