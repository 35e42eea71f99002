//! The executable `dwctl serve` runs in its place: dwctl with the HTTP server linked in
//! (hyper, tokio, rustls), so that `dwctl` itself starts without them.
fn main() {
    std::process::exit(dwctl::main_with_server(
        std::env::args_os(),
        dwctl::serve::run,
    ));
}
