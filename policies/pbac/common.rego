# Portcullis default PBAC policy: what both decision phases share — policy data with its defaults,
# the client's identity and entitlement, resource types with inheritance, and the deny lists.
# Input and data shapes: policies/pbac/README.md.
package portcullis

# ---- policy data (data.oauth_config), every part optional --------------------------------------

default oauth_config := {}

oauth_config := data.oauth_config

resource_types := object.get(oauth_config, "resource_types", {})

resource_servers := object.get(oauth_config, "resource_servers", {})

known_resources := object.get(oauth_config, "resources", {})

entitlements := object.get(oauth_config, "entitlements", {})

deny_lists := object.get(oauth_config, "deny", {})

defaults := object.get(oauth_config, "defaults", {})

# Entitlements come in two shapes: one record per key (entitlements.by_client_id / by_software_id), or,
# as the admin API keeps them, lists of records per key (entitlements_by_client_id / _by_software_id),
# each possibly limited to a resource type or resource; a list is merged into one record here.
by_client_id := object.get(entitlements, "by_client_id", {})

by_software_id := object.get(entitlements, "by_software_id", {})

lists_by_client_id := object.get(oauth_config, "entitlements_by_client_id", {})

lists_by_software_id := object.get(oauth_config, "entitlements_by_software_id", {})

# One layer of entitlement per source, {} when the source says nothing.
default client_layer := {}

client_layer := by_client_id[client_id]

client_layer := merged_entitlement(lists_by_client_id[client_id]) if not by_client_id[client_id]

default software_layer := {}

software_layer := by_software_id[software_id] if software_id != ""

software_layer := merged_entitlement(lists_by_software_id[software_id]) if {
	software_id != ""
	not by_software_id[software_id]
}

# A list of records as one: scopes, types and obligations together, the shortest ttl, single use if
# any record asks for it.
merged_entitlement(list) := {k: v | some [k, v] in pairs} if {
	count(list) > 0
	pairs := {
		["scopes", [s | some e in list; some s in object.get(e, "scopes", [])]],
		["resource_types", [t | some e in list; t := entitlement_type(e)]],
		["obligations", [o | some e in list; some o in obligations_of(e)]],
	} | {["ttl", t] | t := merged_ttl(list)} | {["jit_single_use", true] | merged_single_use(list)}
}

merged_ttl(list) := t if {
	some e in list
	t := e.ttl
	not shorter_entitlement_ttl(list, t)
}

shorter_entitlement_ttl(list, t) if {
	some e in list
	e.ttl < t
}

merged_single_use(list) if {
	some e in list
	e.jit_single_use == true
}

entitlement_type(e) := e.resource_type if is_string(e.resource_type)

entitlement_type(e) := known_resources[e.resource].type if {
	not is_string(e.resource_type)
	is_string(e.resource)
}

entitlement_type(e) := "*" if {
	not is_string(e.resource_type)
	not is_string(e.resource)
}

obligations_of(e) := e.obligations if is_array(e.obligations)

obligations_of(e) := [e.obligations] if is_object(e.obligations)

# ---- the request -------------------------------------------------------------------------------

request_context := object.get(input, "context", {})

client := object.get(request_context, "client", {})

client_id := object.get(client, "client_id", "")

software_statement := object.get(client, "software_statement", {})

software_id := text(client, "software_id") if text(client, "software_id") != ""

software_id := text(software_statement, "software_id") if text(client, "software_id") == ""

environment := object.get(request_context, "environment", {})

# The server puts the phase at input.context.phase; input.phase is accepted too.
phase := object.get(input, "phase", object.get(request_context, "phase", ""))

requested_resources := object.get(input, "resources", [])

# A string field of an object, "" when absent, null or not a string (the server sends nulls).
text(o, k) := o[k] if is_string(o[k])

text(o, k) := "" if not is_string(o[k])

# ---- entitlement: software statement claims, overridden field by field by the software_id
# entitlement, overridden in turn by the client_id entitlement ----------------------------------

statement_scopes contains s if {
	some s in split(software_statement.scope, " ")
	s != ""
}

statement_scopes contains s if {
	some s in software_statement.scopes
}

default statement_layer := {}

statement_layer := {"scopes": [s | some s in statement_scopes], "resource_types": object.get(software_statement, "resource_types", [])} if {
	count(statement_scopes) > 0
}

has_entitlement if count(client_layer) > 0

has_entitlement if count(software_layer) > 0

has_entitlement if count(statement_scopes) > 0

# Each field comes from the highest layer that sets it.
entitlement_value(name) := layered(name, client_layer, software_layer, statement_layer)

has_key(o, k) if {
	_ = o[k]
}

layered(k, c, _, _) := c[k]

layered(k, c, sw, _) := sw[k] if not has_key(c, k)

layered(k, c, sw, st) := st[k] if {
	not has_key(c, k)
	not has_key(sw, k)
}

entitlement_sets(name) if {
	_ = entitlement_value(name)
}

entitled_scopes := {s | some s in entitlement_value("scopes")}

entitled_types := {t | some t in entitlement_value("resource_types")}

# ---- resource types: a type inherits the scopes and obligations of its ancestors (at most four
# levels up), and an entitlement to a type covers the types below it ------------------------------

# (Rule values are bound to locals before loops: a compiler that does not memoise rules would otherwise
# evaluate them again on every iteration.)
lineage(t) := {x | some x in [t, p1, p2, p3, p4]; x != ""} if {
	rt := resource_types
	p1 := object.get(object.get(rt, t, {}), "parent", "")
	p2 := object.get(object.get(rt, p1, {}), "parent", "")
	p3 := object.get(object.get(rt, p2, {}), "parent", "")
	p4 := object.get(object.get(rt, p3, {}), "parent", "")
}

# One field of every type in a lineage, joined.
lineage_field(names, field) := {v | some x in names; some v in object.get(object.get(rt, x, {}), field, [])} if {
	rt := resource_types
}

type_scopes(t) := lineage_field(lineage(t), "scopes")

# What may be done on a resource of a type: its scopes and any actions it lists.
type_actions(t) := lineage_field(names, "scopes") | lineage_field(names, "actions") if names := lineage(t)

type_obligations(t) := lineage_field(lineage(t), "obligations")

type_entitled(t) if {
	types := entitled_types
	some x in lineage(t) | {"*"}
	x in types
}

# A resource names its type, or is a known resource whose type the data gives. A resource with neither
# a type nor an id names only a resource server (an RFC 8707 indicator).
resource_type_of(r) := text(r, "type") if text(r, "type") != ""

resource_type_of(r) := known_resources[r.id].type if {
	text(r, "type") == ""
	text(r, "id") != ""
}

server_only(r) if {
	text(r, "type") == ""
	text(r, "id") == ""
}

resource_label(r) := text(r, "id") if text(r, "id") != ""

resource_label(r) := text(r, "type") if text(r, "id") == ""

# The server a resource names: its id, or else its resource indicator.
resource_server_of(r) := text(r, "server") if text(r, "server") != ""

resource_server_of(r) := text(r, "indicator") if text(r, "server") == ""

# A resource server is named by its id or by its resource indicator.
server_known(s) if resource_servers[s]

server_known(s) if {
	some rs in resource_servers
	rs.resource == s
}

# The resource types a server says it serves (by id or indicator); empty when it does not say.
server_types(s) := object.get(resource_servers[s], "resource_types", [])

server_types(s) := types if {
	not resource_servers[s]
	types := [t | some rs in resource_servers; rs.resource == s; some t in object.get(rs, "resource_types", [])]
}

server_matches(declared, given) if declared == given

server_matches(declared, given) if resource_servers[declared].resource == given

# A resource with an owner is for its owner only (the client, or its software).
owner_ok(owner) if owner == client_id

owner_ok(owner) if {
	software_id != ""
	owner == software_id
}

# ---- deny lists, checked at issuance and again at every introspection ----------------------------

# Deny lists: deny.{client_ids, software_ids, ips}, or, as the admin API keeps them, named lists under
# deny.<id> flattened into denied_client_ids / denied_software_ids.
denied_client_ids contains c if some c in object.get(deny_lists, "client_ids", [])

denied_client_ids contains c if some c in object.get(oauth_config, "denied_client_ids", [])

denied_software_ids contains s if some s in object.get(deny_lists, "software_ids", [])

denied_software_ids contains s if some s in object.get(oauth_config, "denied_software_ids", [])

deny_reasons contains "client_denied" if client_id in denied_client_ids

deny_reasons contains "software_denied" if {
	software_id != ""
	software_id in denied_software_ids
}

deny_reasons contains "ip_denied" if {
	ip := text(environment, "ip")
	ip != ""
	ip in object.get(deny_lists, "ips", [])
}

deny_reasons contains "no_entitlement" if not has_entitlement

entitlement_obligations := {o | some o in entitlement_value("obligations")}
