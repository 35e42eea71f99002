//! Link-time settings of the `dwctl` executable only (dependencies are not rebuilt).
//!
//! On Linux with glibc, relative relocations are packed (`DT_RELR`): the PostgreSQL
//! client and TLS stack made the executable's relocation table 1.5 MB in a debug build,
//! read and applied by the loader at every start, `--version` included; packed, it is a
//! few KB. (The linker leaves it out where the C library cannot load it.)

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
