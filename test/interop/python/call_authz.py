"""Calls agent-authz with the C-core gRPC client (Debian python3-grpcio).

Usage: /usr/bin/python3 call_authz.py HOST:PORT CHECK_REQUEST_HEX

The CheckRequest is encoded by the Node test with Envoy's protos; this script sends its bytes
unchanged with identity (de)serializers on /envoy.service.auth.v3.Authorization/Check, then calls
grpc.health.v1.Health/Check for the server ("") and prints one JSON object: the CheckResponse
bytes and the HealthCheckResponse bytes as hex, and the status codes of a call to an unknown
method and of Health/Check for an unknown service.
"""

import json
import sys

import grpc


def identity(data):
    return data


def call(channel, path, request):
    method = channel.unary_unary(
        path, request_serializer=identity, response_deserializer=identity
    )
    return method(request, timeout=10)


def status_of(channel, path, request):
    try:
        call(channel, path, request)
        return "OK"
    except grpc.RpcError as error:
        return error.code().name


def main():
    address, request_hex = sys.argv[1], sys.argv[2]
    with grpc.insecure_channel(address) as channel:
        check = call(
            channel,
            "/envoy.service.auth.v3.Authorization/Check",
            bytes.fromhex(request_hex),
        )
        # HealthCheckRequest {service: ""} is the empty message.
        health = call(channel, "/grpc.health.v1.Health/Check", b"")
        unknown_method = status_of(
            channel, "/envoy.service.auth.v3.Authorization/Nope", b""
        )
        # HealthCheckRequest {1: "no.such.Service"}
        unknown_service = status_of(
            channel,
            "/grpc.health.v1.Health/Check",
            b"\x0a\x0fno.such.Service",
        )
    print(
        json.dumps(
            {
                "check": check.hex(),
                "health": health.hex(),
                "unknown_method": unknown_method,
                "unknown_service": unknown_service,
            }
        )
    )


if __name__ == "__main__":
    main()
