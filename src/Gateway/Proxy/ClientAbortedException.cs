namespace FastGateway.Proxy;

/// <summary>The client's connection failed while the gateway read its request body: a client abort, not an upstream failure.</summary>
/// <param name="inner">What the client side threw.</param>
internal sealed class ClientAbortedException(Exception inner) : Exception("the client connection failed while its request body was read", inner);
