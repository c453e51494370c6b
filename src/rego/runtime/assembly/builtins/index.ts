// Builtins compiled into the runtime, one file per family; each `b_<name>` (dots → underscores) becomes
// a Wasm export the code generator calls instead of importing the builtin from the host. Semantics
// follow OPA's Go implementation (topdown/*.go); type errors make a builtin undefined (OPA's non-strict
// mode). Known deviations: time zones other than UTC (and "Local", taken as UTC) are undefined;
// \p{…} covers the categories and scripts in lib/unicode-tables.ts; case mapping covers Latin, Greek,
// Cyrillic and Armenian; a regex search that exceeds its step budget is undefined.
export * from "./strings";
export * from "./regex";
export * from "./glob";
export * from "./time";
export * from "./encoding";
export * from "./json";
export * from "./jwt";
export * from "./units";
export * from "./numbers-format";
export * from "./sprintf";
export * from "./net";
