//! How a package ends, in the words the OCS server stores (`devices.TVALUE`).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success,
    /// A LAUNCH that ran, with its exit code: `SUCCESS_<code>`, what the OCS server and
    /// its console expect (a LAUNCH is started, its code is information, not a verdict).
    Launched(i32),
    SuccessAlreadySetup,
    ErrBadId,
    ErrDownloadInfo,
    ErrDownloadPack,
    ErrBadDigest,
    ErrBuild,
    ErrExecute,
    ErrTimeout,
    ErrOutOfSpace,
    ErrClean,
}

impl Code {
    pub fn as_str(self) -> std::borrow::Cow<'static, str> {
        if let Code::Launched(c) = self {
            return format!("SUCCESS_{c}").into();
        }
        match self {
            Code::Success | Code::Launched(_) => "SUCCESS",
            Code::SuccessAlreadySetup => "SUCCESS_ALREADY_SETUP",
            Code::ErrBadId => "ERR_BAD_ID",
            Code::ErrDownloadInfo => "ERR_DOWNLOAD_INFO",
            Code::ErrDownloadPack => "ERR_DOWNLOAD_PACK",
            Code::ErrBadDigest => "ERR_BAD_DIGEST",
            Code::ErrBuild => "ERR_BUILD",
            Code::ErrExecute => "ERR_EXECUTE",
            Code::ErrTimeout => "ERR_TIMEOUT",
            Code::ErrOutOfSpace => "ERR_OUT_OF_SPACE",
            Code::ErrClean => "ERR_CLEAN",
        }
        .into()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// A package that cannot go on: the code for the server, the reason for the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub why: String,
}

impl Failure {
    /// A failure; a write error on a full disk becomes `ERR_OUT_OF_SPACE` whatever the
    /// step was.
    pub fn new(code: Code, why: impl Into<String>) -> Failure {
        let why = why.into();
        let code = if why.contains("No space left on device") {
            Code::ErrOutOfSpace
        } else {
            code
        };
        Failure { code, why }
    }
}
