//! Response bodies of the API to a manifest (`dwctl import --from-api`).
