// Builtins compiled into the runtime (strings, regex, glob, time, encoding, JSON, net, JWT, units).
// Every `b_<name>` exported here becomes a Wasm export the code generator calls directly.
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
