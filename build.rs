//! Links OpenSSL lazily, so that commands doing no cryptography (`inspect` without a key,
//! `--help`, completions) start as fast as a program without OpenSSL.
//!
//! The executable normally lists libssl and libcrypto as needed libraries, and the dynamic
//! loader maps and relocates both (~40 000 relocations, hundreds of page faults) before
//! `main` — more than a Rust hello world takes in all. Instead, this script gives every
//! function the two libraries export a small hidden stub in the executable. Because the stubs
//! define all the symbols the Rust code calls, the linker (run with `--as-needed`, as rustc
//! does) drops both libraries. On its first call a stub `dlopen`s the library by its soname,
//! looks the function up once and jumps to it; later calls cost one indirect jump
//! (`build/lazy_openssl.c` has the resolver).
//!
//! Only on x86_64 Linux (glibc) with OpenSSL linked dynamically from a library pkg-config or
//! `OPENSSL_LIB_DIR` names; elsewhere (`OPENSSL_STATIC`, `OPENSSL_DIR`), or with
//! `JWTCTL_EAGER_OPENSSL=1` at build time, OpenSSL is linked the ordinary way.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The two libraries, in the order the stubs number them: libcrypto's functions first.
const LIBS: [&str; 2] = ["crypto", "ssl"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/lazy_openssl.c");
    for var in [
        "JWTCTL_EAGER_OPENSSL",
        "OPENSSL_STATIC",
        "OPENSSL_DIR",
        "OPENSSL_LIB_DIR",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo::rustc-check-cfg=cfg(lazy_openssl)");

    if env::var_os("JWTCTL_EAGER_OPENSSL").is_some_and(|v| v != "0") {
        return;
    }
    let target = |key: &str| env::var(format!("CARGO_CFG_TARGET_{key}")).unwrap_or_default();
    if target("OS") != "linux" || target("ARCH") != "x86_64" || target("ENV") != "gnu" {
        return;
    }
    if env::var_os("OPENSSL_STATIC").is_some_and(|v| v != "0") {
        return;
    }
    if env::var_os("OPENSSL_DIR").is_some() {
        println!("cargo:warning=OpenSSL is linked eagerly: OPENSSL_DIR is set");
        return;
    }
    match build_stubs() {
        Ok(()) => println!("cargo:rustc-cfg=lazy_openssl"),
        Err(why) => println!("cargo:warning=OpenSSL is linked eagerly: {why}"),
    }
}

/// One library's soname and exported functions.
struct Library {
    soname: String,
    functions: Vec<String>,
}

fn build_stubs() -> Result<(), String> {
    let lib_dir = openssl_lib_dir()?;
    let libs = LIBS
        .iter()
        .map(|name| {
            let path = lib_dir.join(format!("lib{name}.so"));
            // An OpenSSL upgrade (a new soname, more functions) regenerates the stubs.
            println!("cargo:rerun-if-changed={}", path.display());
            read_library(&path)
        })
        .collect::<Result<Vec<_>, _>>()?;

    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let all: Vec<&str> = libs
        .iter()
        .flat_map(|l| l.functions.iter().map(String::as_str))
        .collect();
    fs::write(out.join("lazy_openssl_stubs.S"), stubs_asm(&all)).map_err(|e| e.to_string())?;
    fs::write(
        out.join("lazy_openssl_symbols.h"),
        symbols_header(&libs, &all),
    )
    .map_err(|e| e.to_string())?;

    cc::Build::new()
        .file(out.join("lazy_openssl_stubs.S"))
        .file("build/lazy_openssl.c")
        .include(&out)
        .cargo_metadata(false)
        .try_compile("jwtctl_lazy_openssl")
        .map_err(|e| e.to_string())?;
    println!("cargo:rustc-link-search=native={}", out.display());
    // Whole archive: the stubs must be defined before the linker meets -lssl -lcrypto.
    println!("cargo:rustc-link-lib=static:+whole-archive=jwtctl_lazy_openssl");
    Ok(())
}

/// Where the libraries openssl-sys links are: `OPENSSL_LIB_DIR`, else pkg-config's answer.
fn openssl_lib_dir() -> Result<PathBuf, String> {
    if let Some(dir) = env::var_os("OPENSSL_LIB_DIR") {
        return Ok(dir.into());
    }
    let dir = tool_output("pkg-config", &["--variable=libdir", "libcrypto"])?;
    Ok(PathBuf::from(dir.trim()))
}

fn read_library(path: &Path) -> Result<Library, String> {
    let path_arg = path.to_str().ok_or("non-UTF-8 library path")?;
    let headers = tool_output("objdump", &["-p", path_arg])?;
    let soname = headers
        .lines()
        .find_map(|line| line.trim().strip_prefix("SONAME"))
        .map(|name| name.trim().to_string())
        .ok_or_else(|| format!("{} has no SONAME", path.display()))?;
    let symbols = tool_output("nm", &["-D", "--defined-only", "--format=posix", path_arg])?;
    let functions: Vec<String> = symbols
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let name = fields.next()?;
            let kind = fields.next()?;
            // T: a function; i: an indirect (ifunc) function.
            if kind != "T" && kind != "i" {
                return None;
            }
            let name = name.split('@').next()?;
            let is_c_name = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            is_c_name.then(|| name.to_string())
        })
        .collect();
    if functions.is_empty() {
        return Err(format!("no functions found in {}", path.display()));
    }
    Ok(Library { soname, functions })
}

fn tool_output(tool: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {tool}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{tool} {} failed", args.join(" ")));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{tool} printed non-UTF-8"))
}

/// Each stub puts its number in %r11 (not an argument register, so varargs calls and their
/// %al survive) and jumps to the shared dispatcher, which jumps through the table or, the
/// first time, saves the argument registers and asks the resolver.
fn stubs_asm(functions: &[&str]) -> String {
    let mut s = String::from(
        "/* Generated by build.rs: one lazy stub per OpenSSL function. */\n\
         \t.section .note.GNU-stack,\"\",@progbits\n\
         \t.bss\n\t.p2align 3\n\
         \t.globl jwtctl_lazy_table\n\t.hidden jwtctl_lazy_table\n\
         jwtctl_lazy_table:\n",
    );
    let _ = writeln!(s, "\t.zero {}", 8 * functions.len());
    s.push_str(
        "\t.text\n\t.p2align 4\n\
         jwtctl_lazy_dispatch:\n\
         \tleaq jwtctl_lazy_table(%rip), %r10\n\
         \tmovq (%r10,%r11,8), %r10\n\
         \ttestq %r10, %r10\n\
         \tjz 1f\n\
         \tjmp *%r10\n\
         1:\n\
         \tpushq %rdi\n\tpushq %rsi\n\tpushq %rdx\n\tpushq %rcx\n\
         \tpushq %r8\n\tpushq %r9\n\tpushq %rax\n\
         \tsubq $128, %rsp\n",
    );
    for i in 0..8 {
        let _ = writeln!(s, "\tmovdqu %xmm{i}, {}(%rsp)", 16 * i);
    }
    s.push_str("\tmovl %r11d, %edi\n\tcall jwtctl_lazy_resolve\n\tmovq %rax, %r10\n");
    for i in 0..8 {
        let _ = writeln!(s, "\tmovdqu {}(%rsp), %xmm{i}", 16 * i);
    }
    s.push_str(
        "\taddq $128, %rsp\n\
         \tpopq %rax\n\tpopq %r9\n\tpopq %r8\n\tpopq %rcx\n\
         \tpopq %rdx\n\tpopq %rsi\n\tpopq %rdi\n\
         \tjmp *%r10\n",
    );
    for (i, name) in functions.iter().enumerate() {
        let _ = writeln!(
            s,
            "\t.globl {name}\n\t.hidden {name}\n\t.type {name}, @function\n\
             {name}:\n\tmovl ${i}, %r11d\n\tjmp jwtctl_lazy_dispatch"
        );
    }
    s
}

/// The names the resolver looks up, as one string with offsets (no pointers, so nothing for
/// the loader to relocate at start-up).
fn symbols_header(libs: &[Library], functions: &[&str]) -> String {
    let mut s = String::from("/* Generated by build.rs. */\n");
    let _ = writeln!(
        s,
        "#define LAZY_CRYPTO_FUNCTIONS {}\n#define LAZY_FUNCTIONS {}",
        libs[0].functions.len(),
        functions.len()
    );
    let _ = writeln!(
        s,
        "static const char *const LAZY_SONAMES[2] = {{\"{}\", \"{}\"}};",
        libs[0].soname, libs[1].soname
    );
    s.push_str("static const char LAZY_NAMES[] =\n");
    let mut offsets = Vec::with_capacity(functions.len());
    let mut offset = 0;
    for name in functions {
        offsets.push(offset);
        offset += name.len() + 1;
        let _ = writeln!(s, "\t\"{name}\\0\"");
    }
    s.push_str(";\nstatic const unsigned LAZY_OFFSETS[] = {\n");
    for chunk in offsets.chunks(16) {
        let line: Vec<String> = chunk.iter().map(usize::to_string).collect();
        let _ = writeln!(s, "\t{},", line.join(", "));
    }
    s.push_str("};\n");
    s
}
