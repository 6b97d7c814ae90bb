//! The users file of `jwtctl serve`: one `NAME:HASH` line per user, where HASH is an
//! argon2 password hash in PHC string format (`$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`),
//! as `htpasswd` keeps its users. Lines that are empty or start with `#` are comments.
//!
//! `jwtctl serve add-user` writes argon2id hashes with the argon2 crate's default
//! parameters (OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane; about 50 ms per check
//! on a laptop). Hashes with other argon2 parameters are accepted and checked with their own,
//! up to a ceiling near the defaults (see [`MAX_M_COST`]): every login, even for a name that
//! does not exist, costs one check, so a file must not make a check cost gigabytes or seconds.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Result;
use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Block, CustomizedPasswordHasher, Params, Version};

use crate::error;
use crate::io::files;

/// The largest users file read.
const MAX_USERS_BYTES: u64 = 16 * 1024 * 1024;
/// The longest user name accepted.
const MAX_NAME_BYTES: usize = 256;
/// The ceiling on a hash's argon2 parameters, near the defaults (m=19456 KiB, t=2, p=1): at
/// most 64 MiB of memory, 4 passes and 4 lanes, and memory × passes (the work of one check) at
/// most 131072, about 3.4 times the default's. A file asking for more is refused at start.
pub const MAX_M_COST: u32 = 64 * 1024;
pub const MAX_T_COST: u32 = 4;
pub const MAX_P_COST: u32 = 4;
pub const MAX_WORK: u64 = 128 * 1024;

/// The header a new users file starts with.
const HEADER: &str = "# jwtctl users file: NAME:ARGON2-PHC-HASH, one user per line.\n\
# Add users or change passwords with: jwtctl serve add-user --users FILE NAME\n";

/// A user name is 1 to 256 bytes of printable text without `:`, and neither starts with
/// `#` nor has white space at either end.
pub fn check_name(name: &str) -> Result<()> {
    let problem = if name.is_empty() {
        Some("is empty")
    } else if name.len() > MAX_NAME_BYTES {
        Some("is longer than 256 bytes")
    } else if name.contains(':') {
        Some("contains ':'")
    } else if name.chars().any(char::is_control) {
        Some("contains a control character")
    } else if name.starts_with('#') {
        Some("starts with '#'")
    } else if name.trim() != name {
        Some("starts or ends with white space")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(error::usage(format!("the user name {problem}"))),
        None => Ok(()),
    }
}

/// One line of the file, kept as it was unless it is the user being changed.
#[derive(Debug, Clone)]
enum Line {
    User { name: String, hash: String },
    Other(String),
}

/// A users file as text: editing it keeps comments and the order of users.
#[derive(Debug, Clone)]
pub struct UsersFile {
    lines: Vec<Line>,
}

impl UsersFile {
    /// A new, empty file with a header comment.
    pub fn new() -> UsersFile {
        UsersFile {
            lines: HEADER.lines().map(|l| Line::Other(l.to_string())).collect(),
        }
    }

    /// Parses the file; every line is checked, and errors name the line.
    pub fn parse(text: &str, path: &Path) -> Result<UsersFile> {
        let mut lines = Vec::new();
        let mut seen = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let at = || format!("{}:{number}", path.display());
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                lines.push(Line::Other(line.to_string()));
                continue;
            }
            let Some((name, hash)) = line.split_once(':') else {
                return Err(error::runtime(format!(
                    "{}: expected NAME:HASH, found no ':'",
                    at()
                )));
            };
            check_name(name).map_err(|e| error::runtime(format!("{}: {e}", at())))?;
            parse_hash(hash.trim_end()).map_err(|e| error::runtime(format!("{}: {e}", at())))?;
            if let Some(first) = seen.insert(name.to_string(), number) {
                return Err(error::runtime(format!(
                    "{}: user {name} is already on line {first}",
                    at()
                )));
            }
            lines.push(Line::User {
                name: name.to_string(),
                hash: hash.trim_end().to_string(),
            });
        }
        Ok(UsersFile { lines })
    }

    /// Reads and parses FILE, which must be a regular file: a FIFO would block the read
    /// forever, and add-user could never write one back.
    pub fn read(path: &Path) -> Result<UsersFile> {
        if let Ok(meta) = fs::metadata(path)
            && !meta.is_file()
        {
            return Err(error::runtime(format!(
                "users file {} is not a regular file",
                crate::io::sanitize::for_terminal(&path.to_string_lossy())
            )));
        }
        let bytes = files::read_file_limited(path, MAX_USERS_BYTES, "users file")?;
        let text = String::from_utf8(bytes).map_err(|_| {
            error::runtime(format!("users file {} is not UTF-8 text", path.display()))
        })?;
        UsersFile::parse(&text, path)
    }

    /// Sets `name`'s hash; true when the user was already there.
    pub fn set(&mut self, name: &str, new_hash: String) -> bool {
        for line in &mut self.lines {
            if let Line::User { name: n, hash } = line
                && n == name
            {
                *hash = new_hash;
                return true;
            }
        }
        self.lines.push(Line::User {
            name: name.to_string(),
            hash: new_hash,
        });
        false
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::User { name, hash } => {
                    out.push_str(name);
                    out.push(':');
                    out.push_str(hash);
                }
                Line::Other(text) => out.push_str(text),
            }
            out.push('\n');
        }
        out
    }

    /// The users and their parsed hashes, for checking passwords.
    pub fn into_users(self) -> Users {
        let mut users = HashMap::new();
        for line in self.lines {
            if let Line::User { name, hash } = line {
                // Parsed when read: a failure here cannot happen.
                if let Ok(hash) = parse_hash(&hash) {
                    users.insert(name, hash);
                }
            }
        }
        Users { users }
    }
}

impl Default for UsersFile {
    fn default() -> Self {
        UsersFile::new()
    }
}

/// A PHC string of an argon2 variant with sane parameters.
fn parse_hash(text: &str) -> Result<PasswordHash> {
    let hash = PasswordHash::new(text)
        .map_err(|e| error::runtime(format!("the hash is not a PHC string ({e})")))?;
    let algorithm = hash.algorithm.as_str();
    if !matches!(algorithm, "argon2id" | "argon2i" | "argon2d") {
        return Err(error::runtime(format!(
            "the hash is {algorithm}, but only argon2 (argon2id) hashes are supported"
        )));
    }
    if hash.salt.is_none() || hash.hash.is_none() {
        return Err(error::runtime("the hash has no salt or no output"));
    }
    let params = Params::try_from(&hash)
        .map_err(|e| error::runtime(format!("the hash has invalid argon2 parameters ({e})")))?;
    let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
    if m > MAX_M_COST || t > MAX_T_COST || p > MAX_P_COST || u64::from(m) * u64::from(t) > MAX_WORK
    {
        return Err(error::runtime(format!(
            "the hash asks for m={m} KiB, t={t}, p={p}: more than the limit of \
             m={MAX_M_COST} KiB, t={MAX_T_COST}, p={MAX_P_COST} and m×t={MAX_WORK} \
             (rehash it with jwtctl serve add-user)"
        )));
    }
    Ok(hash)
}

/// A warning when the users file (or its symlink's target) is readable or writable by group
/// or others, as ssh warns about private keys: the hashes can be attacked offline, or a user
/// added.
pub fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "users file {} is readable or writable by others (mode {mode:o}); chmod 600 it",
            path.display()
        )
    })
}

/// The file `path` names, through any symlinks (also a dangling one: its target is then
/// created), so that rewriting it replaces the target and keeps the link.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As the kernel does (ELOOP after 40).
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current).map_err(|e| {
                    error::runtime(format!(
                        "cannot read the link {}: {}",
                        current.display(),
                        files::io_reason(&e)
                    ))
                })?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(error::runtime(format!(
        "users file {}: too many levels of symbolic links",
        path.display()
    )))
}

/// An exclusive advisory lock (flock) on the directory that holds a users file, held while
/// it is read, changed and replaced, so that concurrent `add-user`s do not lose each other's
/// users. The directory rather than the file: the file is replaced by a rename, and a lock on
/// the old one would not stop the next writer. Released when dropped.
pub struct DirLock {
    _dir: fs::File,
}

pub fn lock_dir_of(file: &Path) -> Result<DirLock> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        error::runtime(format!(
            "cannot lock {} for the update: {}",
            dir.display(),
            files::io_reason(&e)
        ))
    };
    let handle = fs::File::open(dir).map_err(fail)?;
    handle.lock().map_err(fail)?;
    Ok(DirLock { _dir: handle })
}

/// An argon2id hash of `password` with the default parameters and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| error::runtime(format!("cannot hash the password: {e}")))?;
    Ok(hash.to_string())
}

/// The users the server knows, with a stand-in hash so that an unknown name costs as much
/// time as a wrong password.
pub struct Users {
    users: HashMap<String, PasswordHash>,
}

/// Checks passwords against [`Users`]; the same work whether or not the user exists.
pub struct Checker {
    users: Users,
    dummy: PasswordHash,
    /// argon2 working memory, reused from check to check.
    scratch: Mutex<Vec<Vec<Block>>>,
}

impl Checker {
    pub fn new(users: Users) -> Result<Checker> {
        let mut random = [0u8; 32];
        openssl::rand::rand_bytes(&mut random)?;
        let mut salt = [0u8; 16];
        openssl::rand::rand_bytes(&mut salt)?;
        // An unknown name is checked against a hash of the most common kind in the file
        // (default parameters for an empty file), so it takes as long as a known one.
        let mut kinds: HashMap<String, (usize, &PasswordHash)> = HashMap::new();
        for hash in users.users.values() {
            let kind = format!("{}${:?}${}", hash.algorithm, hash.version, hash.params);
            kinds.entry(kind).or_insert((0, hash)).0 += 1;
        }
        // Ties go to the costlier kind.
        let cost = |hash: &PasswordHash| {
            Params::try_from(hash).map_or(0, |p| u64::from(p.m_cost()) * u64::from(p.t_cost()))
        };
        let common = kinds
            .into_values()
            .max_by_key(|(count, hash)| (*count, cost(hash)))
            .map(|(_, hash)| hash);
        let dummy = match common {
            Some(hash) => {
                let params = Params::try_from(hash)
                    .map_err(|e| error::runtime(format!("cannot hash: {e}")))?;
                Argon2::default().hash_password_customized(
                    &random,
                    &salt,
                    Some(hash.algorithm.as_str()),
                    hash.version,
                    params,
                )
            }
            None => Argon2::default().hash_password_with_salt(&random, &salt),
        }
        .map_err(|e| error::runtime(format!("cannot hash: {e}")))?;
        Ok(Checker {
            users,
            dummy,
            scratch: Mutex::new(Vec::new()),
        })
    }

    /// Whether there is no user at all.
    pub fn is_empty(&self) -> bool {
        self.users.users.is_empty()
    }

    /// Whether `password` is `name`'s password.
    pub fn check(&self, name: &str, password: &str) -> bool {
        match self.users.users.get(name) {
            Some(hash) => self.verify(password.as_bytes(), hash),
            None => {
                let _ = self.verify(password.as_bytes(), &self.dummy);
                false
            }
        }
    }

    /// argon2 verification (as `PasswordVerifier` does it) in reused working memory: one
    /// fresh 19 MiB allocation per login grew glibc's heap to hundreds of MiB under a stream
    /// of logins. There are as many buffers as checks ever ran at once (serve runs two).
    fn verify(&self, password: &[u8], hash: &PasswordHash) -> bool {
        let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
            return false;
        };
        let (Ok(params), Ok(algorithm)) = (
            Params::try_from(hash),
            Algorithm::new(hash.algorithm.as_str()),
        ) else {
            return false;
        };
        let version = match hash.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(version)) => version,
            Some(Err(_)) => return false,
        };
        let blocks = params.block_count();
        let mut memory = self
            .scratch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let mut out = vec![0u8; expected.as_bytes().len()];
        let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt,
            &mut out,
            &mut memory[..blocks],
        );
        self.scratch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(memory);
        hashed.is_ok() && openssl::memcmp::eq(&out, expected.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for good in ["alice", "bob.smith@example.com", "Zoë", "a b"] {
            check_name(good).unwrap();
        }
        for bad in ["", "a:b", "#x", " a", "a ", "a\nb", &"x".repeat(257)] {
            let err = check_name(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{bad:?}");
        }
    }

    #[test]
    fn set_keeps_comments_and_order() {
        let path = Path::new("users");
        let mut file = UsersFile::new();
        assert!(!file.set("alice", hash_password("one").unwrap()));
        assert!(!file.set("bob", hash_password("two").unwrap()));
        let text = format!("{}# a note\n", file.render());
        let mut file = UsersFile::parse(&text, path).unwrap();
        assert!(file.set("alice", hash_password("three").unwrap()));
        let text = file.render();
        assert!(text.starts_with("# jwtctl users file"));
        assert!(text.find("alice:$argon2id$").unwrap() < text.find("bob:").unwrap());
        assert!(text.ends_with("# a note\n"));
        let checker = Checker::new(UsersFile::parse(&text, path).unwrap().into_users()).unwrap();
        assert!(checker.check("alice", "three"));
        assert!(!checker.check("alice", "one"));
        assert!(checker.check("bob", "two"));
        assert!(!checker.check("carol", "two"));
    }

    #[test]
    fn bad_lines_are_named() {
        let path = Path::new("u.txt");
        let hash = hash_password("pw").unwrap();
        let cases = [
            ("alice\n".to_string(), "u.txt:1: expected NAME:HASH"),
            (
                "# c\nalice:nothash\n".to_string(),
                "u.txt:2: the hash is not a PHC",
            ),
            (
                format!("alice:{hash}\nalice:{hash}\n"),
                "u.txt:2: user alice is already on line 1",
            ),
            (
                "alice:$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n".to_string(),
                "u.txt:1: the hash is pbkdf2-sha256",
            ),
            (
                "alice:$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n"
                    .to_string(),
                "u.txt:1: the hash asks for m=4194304 KiB",
            ),
        ];
        for (text, want) in cases {
            let err = UsersFile::parse(&text, path).unwrap_err().to_string();
            assert!(err.starts_with(want), "{err}");
        }
    }

    #[test]
    fn unknown_names_cost_what_known_ones_do() {
        // Two users with cheaper parameters than the default: the stand-in hash for unknown
        // names takes theirs, not the default's.
        let hash = |m: u32, t: u32| {
            let params = Params::new(m, t, 1, None).unwrap();
            Argon2::default()
                .hash_password_customized(b"pw", b"saltsaltsalt", Some("argon2id"), None, params)
                .unwrap()
                .to_string()
        };
        let text = format!(
            "a:{}\nb:{}\nc:{}\n",
            hash(1024, 3),
            hash(1024, 3),
            hash(2048, 1)
        );
        let checker = Checker::new(
            UsersFile::parse(&text, Path::new("u"))
                .unwrap()
                .into_users(),
        )
        .unwrap();
        assert_eq!(checker.dummy.params.to_string(), "m=1024,t=3,p=1");
        assert_eq!(checker.dummy.algorithm.as_str(), "argon2id");
        // Checked with their own parameters, in reused memory.
        for _ in 0..2 {
            assert!(checker.check("a", "pw") && checker.check("c", "pw"));
            assert!(!checker.check("a", "px") && !checker.check("x", "pw"));
        }
        // No users: the defaults add-user writes.
        let empty = Checker::new(UsersFile::new().into_users()).unwrap();
        assert_eq!(empty.dummy.params.to_string(), "m=19456,t=2,p=1");
    }

    #[test]
    fn the_ceiling_is_near_the_defaults() {
        let path = Path::new("u");
        let line = |params: &str| {
            format!("alice:$argon2id$v=19${params}$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n")
        };
        for ok in ["m=19456,t=2,p=1", "m=65536,t=2,p=4", "m=32768,t=4,p=1"] {
            UsersFile::parse(&line(ok), path).unwrap();
        }
        for bad in [
            "m=65537,t=1,p=1",
            "m=65536,t=3,p=1",
            "m=8192,t=5,p=1",
            "m=8192,t=1,p=5",
        ] {
            let err = UsersFile::parse(&line(bad), path).unwrap_err().to_string();
            assert!(err.contains("more than the limit"), "{bad}: {err}");
        }
    }
}
