#include "core/data/Download.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "core/Error.h"

namespace tunelab {

namespace {

struct DigestDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Digest = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

Digest newDigest() {
  Digest d(EVP_MD_CTX_new());
  if (!d || EVP_DigestInit_ex(d.get(), EVP_sha256(), nullptr) != 1) {
    throw DataError("cannot initialise SHA-256");
  }
  return d;
}

std::string hexDigest(EVP_MD_CTX* d) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(d, out, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[out[i] >> 4U];
    hex += kHex[out[i] & 0xFU];
  }
  return hex;
}

struct Sink {
  std::FILE* file = nullptr;
  EVP_MD_CTX* digest = nullptr;
  bool failed = false;
};

std::size_t writeChunk(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, sink->file) != bytes) {
    sink->failed = true;
    return 0;
  }
  EVP_DigestUpdate(sink->digest, data, bytes);
  return bytes;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

}  // namespace

std::string sha256OfFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string() + ": cannot open");
  Digest d = newDigest();
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    EVP_DigestUpdate(d.get(), buffer, static_cast<std::size_t>(in.gcount()));
  }
  return hexDigest(d.get());
}

void downloadVerified(const std::string& url, const std::string& sha256,
                      const std::filesystem::path& destination, const std::string& header) {
  std::error_code ec;
  std::filesystem::create_directories(destination.parent_path(), ec);
  if (ec) {
    throw DataError(destination.parent_path().string() +
                    ": cannot create the download cache: " + ec.message());
  }
  const std::filesystem::path partial = destination.string() + ".part";
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (file == nullptr) throw DataError(partial.string() + ": cannot write the download");
  auto discard = [&] {
    std::fclose(file);
    std::filesystem::remove(partial, ec);
  };
  if (!header.empty() && std::fwrite(header.data(), 1, header.size(), file) != header.size()) {
    discard();
    throw DataError(partial.string() + ": cannot write the download (disk full?)");
  }
  Digest digest = newDigest();
  Sink sink{file, digest.get()};
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    discard();
    throw DataError("cannot start a download (libcurl failed to initialise)");
  }
  spdlog::info("downloading {} to {}", url, destination.string());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, writeChunk);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  const CURLcode result = curl_easy_perform(curl.get());
  if (result != CURLE_OK || sink.failed) {
    discard();
    throw DataError(
        "downloading " + url + " failed: " +
        (sink.failed ? std::string("cannot write to disk") : curl_easy_strerror(result)) +
        "; download it yourself and put it at " + destination.string());
  }
  const std::string actual = hexDigest(digest.get());
  if (std::fclose(file) != 0) {
    std::filesystem::remove(partial, ec);
    throw DataError(partial.string() + ": cannot write the download (disk full?)");
  }
  if (actual != sha256) {
    std::filesystem::remove(partial, ec);
    throw DataError("the file downloaded from " + url + " has SHA-256 " + actual + ", expected " +
                    sha256 + "; it was not kept");
  }
  std::filesystem::rename(partial, destination, ec);
  if (ec) throw DataError(destination.string() + ": cannot store the download: " + ec.message());
}

}  // namespace tunelab
