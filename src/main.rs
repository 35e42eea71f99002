fn main() {
    std::process::exit(dwctl::main_with(std::env::args_os()));
}
