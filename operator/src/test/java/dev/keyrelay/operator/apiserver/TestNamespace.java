package dev.keyrelay.operator.apiserver;

/** A namespace created for one test method; never reused, left for the API server's end. */
public record TestNamespace(String name) {}
